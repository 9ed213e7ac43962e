"""Text from files and URLs shows as typed, wherever it is shown (lib.escape)."""

from lib.escape import for_markdown, for_plotly


def test_markdown_marks_in_a_file_show_as_typed():
    assert for_markdown("**x** [a](javascript:b) :red[y] `code` <b>") == (
        r"\*\*x\*\* \[a\](javascript\:b) \:red\[y\] \`code\` \<b\>"
    )


def test_addresses_are_not_turned_into_links():
    # GitHub-flavoured Markdown links addresses in the text left after escapes (a backslash does not stop it: the
    # browser test showed one on the Sectors page), so an invisible word joiner breaks each pattern.
    shown = for_markdown("see http://evil.example or www.evil.example or x@evil.example")
    assert shown == "see http:\u2060//evil.example or www\u2060.evil.example or x@\u2060evil.example"
    assert shown.replace("\u2060", "") == "see http://evil.example or www.evil.example or x@evil.example"


def test_lines_that_would_start_a_list_or_heading_are_escaped():
    assert for_markdown("1. first\n- item\n  + more\n# title") == "1\\. first\n\\- item\n  \\+ more\n\\# title"


def test_the_figures_own_sentences_are_left_as_they_read():
    sentence = "The share rises from 1.2% (16-19) to 16.2% (45-49): +9.1 points, 1.66× as likely."
    assert for_markdown(sentence) == sentence


def test_plotly_labels_show_tags_as_text():
    assert for_plotly("<b>Our</b> & yours") == "&lt;b&gt;Our&lt;/b&gt; &amp; yours"
