"""What every form page that failed must show, read from its HTML: one error summary at the top (focusable,
focused, a link per error to its field), "Fout: " before the title, and the invalid fields marked for assistive
technology. Shared by the tests of each form page."""

from __future__ import annotations

import re


def summary_of(body: str) -> str:
    match = re.search(r'<div class="[^"]*nplv-error-summary"[^>]*>(.*?)</div>\s*</div>', body, re.S)
    assert match, "no error summary"
    return match.group(0)


def title_of(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()


def assert_error_summary(body: str, *, links: list[str], invalid: list[str] = ()) -> str:
    """The summary is there, at the top, focused, with a link to each of ``links`` (ids); the fields ``invalid``
    (ids) carry aria-invalid and point at their message. Returns the summary's HTML."""
    summary = summary_of(body)
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    assert "error_summary.js" in body
    assert body.index("nplv-error-summary") < body.index("<h1"), "the summary is not at the top"
    assert title_of(body).startswith("Fout: "), title_of(body)
    for anchor in links:
        assert f'href="#{anchor}"' in summary, anchor
        assert f'id="{anchor}"' in body, f"the link to #{anchor} leads nowhere"
    for field_id in invalid:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field_id)}"[^>]*>', body)
        assert tag, field_id
        assert 'aria-invalid="true"' in tag.group(0), field_id
        assert f"{field_id}_error" in tag.group(0), field_id
        assert f'id="{field_id}_error"' in body, field_id
    # The old alert at the top of a form is not repeated under the summary.
    assert "Het formulier is niet opgeslagen" not in body
    return summary


def assert_no_error_summary(body: str) -> None:
    assert "nplv-error-summary" not in body
    assert not title_of(body).startswith("Fout: ")
    assert "aria-invalid" not in body
