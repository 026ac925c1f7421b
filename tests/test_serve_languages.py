"""The service's HTML pages speak Chinese and English: the language of ``?lang=``, else
of the browser's Accept-Language, else Chinese; collection titles and descriptions in
that language; no English word in a Chinese page but proper names (and no Chinese in an
English one but the link to the other language, marked as Chinese); user text escaped."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from serving import get, get_json, qichacha_csv, serving

import layers
from cli.service_words import catalogue_entries

pytestmark = [pytest.mark.loopback, pytest.mark.subprocess]

TEMPLATES = Path(__file__).resolve().parents[1] / "cli" / "service_templates"
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Latin words a Chinese page may hold: names of standards, formats, software, the
#: licence and the project.
PROPER_NAMES = {"OGC", "API", "OpenAPI", "JSON", "GeoJSON", "ODbL", "OpenStreetMap", "MIT",
                "pygeoapi", "shanghai-cluster-map", "WGS84", "G60",
                "km"}  # and the SI symbol of a unit
PAGES = ("/", "/collections", "/collections/poles", "/collections/parks/queryables")
ENTRIES = {e.id: e for e in layers.catalog()}


class _Text(HTMLParser):
    """The words a reader sees, without what is marked as another language, code (field
    names to type), scripts and data blocks; and the page's own ``lang``."""

    SKIP = {"code", "script", "style"}

    def __init__(self, skip=()):
        super().__init__()
        self.lang, self.words, self._stack = "", [], []
        self.skip = self.SKIP | set(skip)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
            return
        if tag in ("meta", "link", "br", "img", "input"):
            return
        hidden = tag in self.skip or bool(attrs.get("lang") and attrs["lang"] != self.lang)
        self._stack.append(hidden or bool(self._stack and self._stack[-1]))

    def handle_endtag(self, tag):
        if tag not in ("html", "meta", "link", "br", "img", "input") and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not (self._stack and self._stack[-1]):
            self.words += data.split()


def page_text(html: str, skip=()) -> tuple[str, list[str]]:
    parser = _Text(skip)
    parser.feed(html)
    return parser.lang, parser.words


def latin_words(words: list[str]) -> set[str]:
    """Latin words that are not URLs, numbers, versions or identifiers with digits."""
    out: set[str] = set()
    for token in words:
        if token.startswith("http") or re.search(r"\d", token):
            continue
        out.update(w for w in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", token))
    return out - PROPER_NAMES


def html_of(url: str, **headers) -> str:
    status, answer, body = get(url, headers={"Accept": "text/html", **headers})
    assert status == 200, (url, status, body[:300])
    assert answer["Content-Type"].startswith("text/html")
    return body.decode("utf-8")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    firm_file = qichacha_csv(tmp_path_factory.mktemp("firms") / "qichacha.csv")
    with serving("poles", "parks", "--firms", str(firm_file)) as url:
        yield url


def test_every_word_a_template_asks_for_is_in_both_catalogues():
    asked = set()
    for template in TEMPLATES.rglob("*.html"):
        asked |= set(re.findall(r"_\('((?:svc_|col:)[^']+)'\)", template.read_text("utf-8")))
    asked |= {f"svc_{page}" for page in ("queryables", "schema")}  # named by a block
    assert len(asked) > 25
    for lang in ("zh", "en"):
        assert asked <= set(catalogue_entries(lang)), asked - set(catalogue_entries(lang))


def page_as_asked(service: str, path: str, how: dict) -> tuple[str, list[str], str]:
    """(the page's lang, its words, its text) asked with ``how``: a ``query`` and headers;
    every word key of the templates found its words."""
    headers = {k: v for k, v in how.items() if k != "query"}
    html = html_of(f"{service}{path}{how['query']}", **headers)
    assert "svc_" not in html and "col:" not in html
    lang, words = page_text(html)
    return lang, words, " ".join(words)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("how", [{"query": "?lang=zh"}, {"query": ""},
                                 {"query": "", "Accept-Language": "fr-FR,fr;q=0.9"},
                                 {"query": "?lang=zh", "Accept-Language": "en-US,en"}])
def test_chinese_pages_have_no_english_words(service, path, how):
    lang, words, text = page_as_asked(service, path, how)
    assert lang == "zh"
    assert latin_words(words) == set(), path
    assert "数据集合" in text


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("how", [{"query": "?lang=en"},
                                 {"query": "", "Accept-Language": "en-GB,en;q=0.8,zh;q=0.5"},
                                 {"query": "?lang=en", "Accept-Language": "zh-CN,zh"}])
def test_english_pages_have_no_chinese(service, path, how):
    lang, words, text = page_as_asked(service, path, how)
    assert lang == "en"
    assert not HAN.search(text), [w for w in words if HAN.search(w)]
    assert "Collections" in words


@pytest.mark.parametrize("collection", ["parks", "firms"])
def test_item_tables_are_headed_in_chinese(service, collection):
    """The items' own text (in the cells) is data; every header and word around it is
    Chinese, firm list columns included."""
    html = html_of(f"{service}/collections/{collection}/items?f=html&lang=zh&limit=5")
    lang, words = page_text(html, skip={"td"})
    assert lang == "zh"
    assert latin_words(words) == set()
    assert "下一页" in words  # 9 parks, 6 firms: a second page
    assert ("信用代码校验通过" if collection == "firms" else "精度（米）") in words


def test_a_browser_asking_for_chinese_gets_chinese(service):
    html = html_of(f"{service}/collections", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert page_text(html)[0] == "zh"
    assert "本服务的数据集合" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_collection_titles_and_descriptions_are_in_the_language_asked(service, lang):
    listed = {c["id"]: c for c in get_json(f"{service}/collections?f=json&lang={lang}")
              ["collections"]}
    html = html_of(f"{service}/collections?lang={lang}")
    for layer_id in ("poles", "parks"):
        title = getattr(ENTRIES[layer_id], f"title_{lang}")
        assert listed[layer_id]["title"] == title
        assert listed[layer_id]["description"].startswith(title)
        assert ("许可" if lang == "zh" else "Licence") in listed[layer_id]["description"]
        page = html_of(f"{service}/collections/{layer_id}?lang={lang}")
        assert f"<h1>{title}</h1>" in page.replace("&#39;", "'")
    assert listed["firms"]["title"] == ("企业名单（导入）" if lang == "zh"
                                        else "Firms (imported list)")
    assert getattr(ENTRIES["poles"], f"title_{lang}") in html.replace("&#39;", "'")


def test_links_keep_the_language(service):
    html = html_of(f"{service}/collections/poles?lang=en")
    assert f'href="{service}/collections/poles/items?f=html&amp;lang=en"' in html
    assert 'href="?lang=zh" lang="zh"' in html
    item = html_of(f"{service}/collections/parks/items/park_zizhu_hitech_zone?lang=en")
    assert f'href="{service}/collections/parks/items?f=html&amp;lang=en"' in item
    assert f'data-items-path="{service}/collections/parks/items"' in item


def test_a_hostile_firm_name_is_escaped_in_both_languages(service):
    for lang in ("zh", "en"):
        html = html_of(f"{service}/collections/firms/items?f=html&lang={lang}&limit=100")
        assert '<img src=x' not in html and "onerror=\"document" not in html
        assert "&lt;/script&gt;&lt;img src=x" in html


def test_the_api_page_is_one_offline_page_in_each_language(service):
    for lang, words in (("zh", "接口定义"), ("en", "API definition")):
        html = html_of(f"{service}/openapi?f=html&lang={lang}")
        assert words in html and "/openapi?f=json" in html
        assert "<script" not in html  # nothing that would need the internet
    landing = html_of(f"{service}/?lang=en")
    assert "ui=redoc" not in landing and "Swagger" not in landing  # no viewer promised
