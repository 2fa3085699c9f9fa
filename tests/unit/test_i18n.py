"""The language tables: complete in every language, the same placeholders, the course's terms,
and browser languages mapped to the right table."""

from __future__ import annotations

import pytest

from surfaces.i18n import (
    DEFAULT,
    LANGUAGES,
    TABLES,
    from_link,
    negotiate,
    placeholders,
    tr,
)


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != DEFAULT])
def test_every_key_exists_in_every_language(lang):
    missing = sorted(set(TABLES[DEFAULT]) - set(TABLES[lang]))
    extra = sorted(set(TABLES[lang]) - set(TABLES[DEFAULT]))
    assert not missing, f"{lang} lacks {len(missing)} keys: {missing[:20]}"
    assert not extra, f"{lang} has keys English does not: {extra[:20]}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_text_is_empty_and_placeholders_match_english(lang):
    for key, text in TABLES[lang].items():
        assert text.strip(), f"{lang}: {key} is empty"
        assert placeholders(text) == placeholders(TABLES[DEFAULT][key]), (
            f"{lang}: {key} has placeholders {placeholders(text)}, English "
            f"{placeholders(TABLES[DEFAULT][key])}")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_text_formats_with_its_placeholders(lang):
    for key, text in TABLES[lang].items():
        params = {name: "X" for name in placeholders(text)}
        assert "{" not in tr(key, lang, **params).replace("%{", ""), key


def test_the_course_terms_are_used():
    hans, hant = TABLES["zh-Hans"], TABLES["zh-Hant"]
    assert hans["loss.cross_entropy"] == hant["loss.cross_entropy"] == "交叉熵"
    assert hans["loss.mse"] == "均方误差" and hant["loss.mse"] == "均方誤差"
    assert hans["opt.sgd"] == hant["opt.sgd"] == "梯度下降"
    assert "误差曲面" in hans["app.name"] and "誤差曲面" in hant["app.name"]
    assert hans["lab.field.lr"] == "学习率" and hant["lab.field.lr"] == "學習率"


def test_simplified_and_traditional_differ_where_the_script_does():
    same = [k for k in TABLES["zh-Hans"] if TABLES["zh-Hans"][k] == TABLES["zh-Hant"][k]
            and any("\u4e00" <= ch <= "\u9fff" for ch in TABLES["zh-Hans"][k])]
    # Words written alike in both scripts exist (交叉熵, 梯度下降), but most sentences differ.
    assert len(same) < len(TABLES["zh-Hans"]) // 4, same


@pytest.mark.parametrize(("locale", "lang"), [
    (None, "en"), ("", "en"), ("en-US", "en"), ("fr", "en"), ("zh", "zh-Hans"),
    ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh-Hans-CN", "zh-Hans"), ("zh-TW", "zh-Hant"),
    ("zh-HK", "zh-Hant"), ("zh_MO", "zh-Hant"), ("zh-Hant", "zh-Hant"), ("ZH-hant-tw", "zh-Hant"),
])
def test_browser_languages_map_to_a_table(locale, lang):
    assert negotiate(locale) == lang


@pytest.mark.parametrize(("value", "lang"), [
    ("en", "en"), ("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"),  # the codes the app writes
    ("zh_hans", "zh-Hans"), ("ZH-HANT", "zh-Hant"), ("zh", "zh-Hans"), ("zh-CN", "zh-Hans"),
    ("zh_TW", "zh-Hant"), ("zh-hk", "zh-Hant"), ("EN", "en"), ("en-GB", "en"),
    ("klingon", None), ("fr", None), ("", None), (None, None), (["zh"], None), ("zhx", None),
])
def test_a_hand_written_lang_in_a_link_is_read_as_a_language_tag(value, lang):
    assert from_link(value) == lang


def test_a_missing_key_or_language_falls_back_without_raising():
    assert tr("loss.mse", "xx") == TABLES[DEFAULT]["loss.mse"]
    assert tr("no.such.key", "zh-Hans") == "no.such.key"
    # a placeholder left unfilled stays visible instead of raising
    assert "{k}" in tr("fig.left_plot", "en", wrong=1)


def test_placeholders_are_the_names_str_format_looks_up():
    # str.format asks its arguments for the name before any .attribute or [index]
    assert placeholders("{a.real} and {b[0]}, {c:.2f}, {{literal}} and {a}") == {"a", "b", "c"}
