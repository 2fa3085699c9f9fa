"""A page's exception reaches the visitor as one sentence in their language, never as a
traceback; Streamlit's own control flow (st.rerun, st.stop) passes through."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from lab_components.navigation import error_boundary, guarded

    st.query_params.setdefault("lang", "en")
    with error_boundary():
        st.write("before")
        if st.query_params.get("fail") == "page":
            raise RuntimeError("boom")
        if st.query_params.get("fail") == "stop":
            st.stop()
        st.write("after")

    @guarded
    def fragment_body():
        if st.query_params.get("fail") == "fragment":
            raise ZeroDivisionError("fragment boom")
        st.write("fragment ok")

    fragment_body()
    st.write("end of page")


def run(**query) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_an_exception_becomes_one_sentence_and_the_page_goes_on():
    at = run(fail="page")
    assert not at.exception  # no traceback element
    assert [e.value for e in at.error] == [
        "Something went wrong while drawing this part of the page. Move a slider or reload "
        "the page to try again; the details are in the server's log."]
    assert "before" in texts(at) and "after" not in texts(at) and "end of page" in texts(at)


def test_the_sentence_is_in_the_visitors_language():
    at = run(fail="fragment", lang="zh-Hant")
    assert not at.exception
    assert len(at.error) == 1 and "伺服器日誌" in at.error[0].value
    assert "fragment ok" not in texts(at) and "end of page" in texts(at)


def test_streamlit_control_flow_is_not_an_error():
    at = run(fail="stop")
    assert not at.exception and not at.error
    assert "before" in texts(at) and "end of page" not in texts(at)  # st.stop stopped it


def test_no_error_no_message():
    at = run()
    assert not at.exception and not at.error
    assert texts(at) == ["before", "after", "fragment ok", "end of page"]


def _counting_page():
    import streamlit as st

    from lab_components.navigation import error_boundary
    from surfaces.activity import PAGE_RUNS

    st.query_params.setdefault("lang", "en")
    with error_boundary():
        st.write(f"in progress: {PAGE_RUNS.count}")
        if st.query_params.get("fail") == "page":
            raise RuntimeError("boom")
        if st.query_params.get("fail") == "stop":
            st.stop()
    st.write(f"after: {PAGE_RUNS.count}")


def test_a_page_run_counts_as_in_progress_for_the_training_to_give_way_to():
    from surfaces.activity import PAGE_RUNS

    for fail in ("", "page", "stop"):
        at = AppTest.from_function(_counting_page, default_timeout=30)
        at.query_params["fail"] = fail
        at.run()
        shown = [m.value for m in at.markdown]
        assert "in progress: 1" in shown, (fail, shown)
        if fail != "stop":
            assert "after: 0" in shown, (fail, shown)
        assert PAGE_RUNS.count == 0, fail  # released, whatever ended the run
