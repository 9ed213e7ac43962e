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


def test_html_shows_tags_quotes_and_ampersands_as_typed():
    from lib.escape import for_html

    assert for_html('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"


def test_json_in_a_script_element_cannot_end_it_and_reads_back_the_same():
    import json

    from lib.escape import for_script_json

    value = {"title": "</script><!-- & \u2028 >"}
    text = for_script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value
    assert json.loads(for_script_json(json.dumps(value))) == value  # JSON text made elsewhere (Plotly's)


def test_bibtex_fields_show_what_tex_would_act_on_as_typed():
    from lib.escape import for_bibtex, for_bibtex_url

    assert for_bibtex("100% R&D_x {y} #1 $ ~ ^ \\") == r"100\% R\&D\_x \{y\} \#1 \$ \~{} \^{} \textbackslash{}"
    assert for_bibtex_url("https://x.example/a b?c={d}\\") == "https://x.example/a%20b?c=%7Bd%7D%5C"
