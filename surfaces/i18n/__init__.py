"""Every string a visitor reads, one table per language: English, 简体中文, 繁體中文.

`tr(key, lang, **params)` looks a key up in the language's table (`en.py`, `zh_hans.py`,
`zh_hant.py` beside this file) and fills `{name}` placeholders with `str.format`. Keys are
dotted and grouped by page (`lab.*`, `mnist.*`, ...) with shared words at the top level
(`loss.*`, `opt.*`, `note.*`). A key missing from a language falls back to English and then
to the key itself, so a visitor never sees an exception; a unit test fails the build when
any key is missing or any placeholder differs between languages.

The course is taught in Chinese; its own terms are used: 交叉熵 (cross-entropy), 均方误差 /
均方誤差 (mean square error), 梯度下降 (gradient descent), 误差曲面 / 誤差曲面 (error surface),
学习率 / 學習率 (learning rate).
"""

from __future__ import annotations

import string

from surfaces.i18n import en, zh_hans, zh_hant

__all__ = ["DEFAULT", "LANGUAGES", "TABLES", "from_link", "negotiate", "placeholders", "tr"]

DEFAULT = "en"
# code -> the language's name in itself (what the picker shows)
LANGUAGES: dict[str, str] = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
TABLES: dict[str, dict[str, str]] = {
    "en": en.STRINGS, "zh-Hans": zh_hans.STRINGS, "zh-Hant": zh_hant.STRINGS,
}
# Regions that write Traditional Chinese.
_HANT_REGIONS = ("tw", "hk", "mo")


def tr(key: str, lang: str = DEFAULT, /, **params: object) -> str:
    """The text of `key` in `lang` with `params` filled in."""
    text = TABLES.get(lang, TABLES[DEFAULT]).get(key)
    if text is None:
        text = TABLES[DEFAULT].get(key, key)
    try:  # every text is a format string: "{{" is a literal brace (Plotly's %{x})
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return TABLES[DEFAULT].get(key, key).format_map(_Blank(params))


class _Blank(dict):
    """format_map helper: a placeholder without a value stays visible, never raises."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def negotiate(locale: str | None) -> str:
    """A browser language tag ('zh-CN', 'zh-TW', 'zh-Hant-HK', 'en-GB', ...) -> a LANGUAGES code."""
    if not locale:
        return DEFAULT
    parts = locale.replace("_", "-").lower().split("-")
    if parts[0] != "zh":
        return DEFAULT
    if "hant" in parts or any(p in _HANT_REGIONS for p in parts[1:]):
        return "zh-Hant"
    return "zh-Hans"


def from_link(value: object) -> str | None:
    """A link's `lang=` -> a LANGUAGES code, or None when it names no language we have.

    Besides the codes themselves, a hand-written link may say `zh`, `zh-CN`, `zh_TW`,
    `zh_hans` or `EN`: any tag of English or Chinese is read as a browser's would be."""
    if not isinstance(value, str) or value.replace("_", "-").lower().split("-")[0] not in (
            "en", "zh"):
        return None
    return negotiate(value)  # the codes themselves map to themselves


def placeholders(text: str) -> set[str]:
    """The names of the `{name}` placeholders in `text`."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text)
            if name}
