"""Streamlit's own words in the reader's language, where Streamlit offers no option
for them (the file uploader's "Upload", "50MB per file", "Drag and drop a file
here"; "Press Enter to apply"; "No results"; the tables' toolbar): a small script
for the page that rewrites those texts and labels as they appear. Widgets' own
labels and placeholders go through their arguments instead. Pure: returns HTML."""

from __future__ import annotations

import json

from ui.i18n import t

__all__ = ["STREAMLIT_TEXTS", "words_script"]

#: Streamlit's English text → the label key of its words (exact texts, trimmed).
STREAMLIT_TEXTS = {
    "Upload": "st_upload", "Drag and drop a file here": "st_drag_drop",
    "Press Enter to apply": "st_press_enter", "No results": "st_no_results",
    "Choose an option": "choose_options", "Choose options": "choose_options",
    "Download as CSV": "st_download_csv", "Search": "st_search", "Fullscreen": "st_fullscreen",
    "Close fullscreen": "st_close_fullscreen", "Clear all": "st_clear_all",
    "Clear value": "st_clear_value", "Select all": "st_select_all",
    "Show/hide columns": "st_columns", "Skip to main content": "st_skip", "Running...": "st_running",
    "Stop": "st_stop", "Delete": "st_delete",
    # the uploader's refusal of a file over server.maxUploadSize (50 MB in .streamlit/config.toml)
    "File must be 50.0MB or smaller.": "st_too_large",
}

_SCRIPT = """<script>
(function () {
  var words = %(words)s, perFile = %(per_file)s;
  var root = window.document;
  window.__scmWords = {words: words, perFile: perFile};
  function swap(text) {
    var w = window.__scmWords, key = text.trim();
    if (Object.prototype.hasOwnProperty.call(w.words, key)) return text.replace(key, w.words[key]);
    var m = key.match(/^([\\d.]+\\s?[KMG]?B) per file$/);
    return m && w.perFile ? text.replace(key, w.perFile.replace("{size}", m[1])) : null;
  }
  function fix(node) {
    if (node.nodeType === 3) {
      var s = swap(node.data);
      if (s !== null && s !== node.data) node.data = s;
      return;
    }
    if (node.nodeType !== 1) return;
    ["aria-label", "title", "placeholder"].forEach(function (a) {
      var v = node.getAttribute(a), s = v && swap(v);
      if (s && s !== v) node.setAttribute(a, s);
    });
    var walker = root.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === 3) { var s2 = swap(n.data); if (s2 !== null && s2 !== n.data) n.data = s2; }
      else ["aria-label", "title", "placeholder"].forEach(function (a) {
        var v = n.getAttribute(a), s3 = v && swap(v);
        if (s3 && s3 !== v) n.setAttribute(a, s3);
      });
    }
  }
  fix(root.body);
  if (window.__scmWordsObserver) return;
  window.__scmWordsObserver = new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.type === "characterData") fix(c.target);
      else if (c.type === "attributes") fix(c.target);
      else c.addedNodes.forEach(fix);
    });
  });
  window.__scmWordsObserver.observe(root.body, {childList: true, subtree: true,
    characterData: true, attributes: true, attributeFilter: ["aria-label", "title", "placeholder"]});
})();
</script>"""


def words_script(lang: str) -> str:
    """The page script that shows Streamlit's own texts in ``lang``; in English it maps
    texts rewritten in Chinese back (a language switch does not reload the page)."""
    zh_per_file = t("st_per_file", "zh")
    if lang == "zh":
        words = {en: t(key, "zh") for en, key in STREAMLIT_TEXTS.items()}
        size_re, per_file = r"^([\d.]+\s?[KMG]?B) per file$", zh_per_file
    else:
        words = {t(key, "zh"): en for en, key in STREAMLIT_TEXTS.items()}
        size_re = "^" + zh_per_file.replace("{size}", "(.+)") + "$"
        per_file = "{size} per file"
    return _SCRIPT % {"words": json.dumps(words, ensure_ascii=False),
                      "size_re": json.dumps(size_re, ensure_ascii=False),
                      "per_file": json.dumps(per_file, ensure_ascii=False)}
