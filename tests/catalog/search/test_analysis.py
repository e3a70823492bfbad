"""The shared analysis: what becomes a term, and what a query asks for."""

from catalog.search.analysis import analyze_query, text_terms
from catalog.search.highlight import highlight
from catalog.search.text import normalise, romaji
from catalog.search.vocabulary import allowed_edits, edit_distance
from catalog.search.wareki import era_to_year, western_years


def alternatives(q, **kwargs):
    match = analyze_query(q, **kwargs)
    return [[(alt.terms, alt.kind) for alt in clause.alternatives] for clause in match.clauses]


def test_normalisation_folds_width_case_and_kana():
    assert normalise("ＡＥＤ ﾃﾞｰﾀ ジンコウ") == "aed でーた じんこう"
    assert romaji("とうけい") == ("toukei", "tokei")


def test_era_years_become_western_years():
    assert era_to_year("令和", "5") == 2023
    assert era_to_year("令和", "元") == 2019
    assert era_to_year("h", "30") == 2018
    assert [year for *_span, year in western_years(normalise("令和5年度と平成元年、R2"))] == [
        2023, 1989, 2020]
    assert era_to_year("令和", "0") is None


def test_document_terms_hold_words_readings_romaji_years_and_grams():
    terms = text_terms("福岡県の市町村別人口（令和5年）", rich=True)
    assert {"福岡県", "福岡", "人口", "じんこう", "jinkou", "jinko", "fukuoka", "2023",
            "_人口", "_別人"} <= set(terms)
    assert "の" not in terms  # particles are not words
    assert "ふくおかけん" not in text_terms("福岡県", rich=False)  # readings: short fields only


def test_query_words_become_clauses_with_alternatives():
    assert alternatives("人口") == [[(("人口",), "word"), (("_人口",), "gram")]]
    assert alternatives("こども")[0][:2] == [(("こども",), "word"), (("子供",), "word")]
    assert alternatives("令和5年 観光")[0] == [(("2023",), "word")]
    assert alternatives("Facilities")[0] == [(("facilities",), "word"), (("facility",), "word")]
    assert analyze_query("の と") is None  # nothing to search for
    # Words the dictionary cuts into single characters are searched as typed.
    assert alternatives("宿白者") == [[(("宿白者",), "word"), (("_宿白", "_白者"), "gram")]]


def test_synonyms_and_typo_corrections_are_alternatives():
    synonyms = {"子育て": ["育児"], "育児": ["子育て"]}
    assert (("育児",), "synonym") in alternatives("子育て", synonyms=synonyms)[0]
    corrected = alternatives("populaton", known=lambda terms: set(),
                             near=lambda term: ["population"])
    assert (("population",), "fuzzy") in corrected[0]
    untouched = alternatives("population", known=lambda terms: terms, near=lambda term: ["x"])
    assert all(kind != "fuzzy" for _terms, kind in untouched[0])


def test_edit_distance_counts_swaps_once_and_spares_short_words():
    assert edit_distance("toursit", "tourist", 2) == 1
    assert edit_distance("避難書", "避難所", 1) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3  # stops past the limit
    assert allowed_edits("人口") == 0 and allowed_edits("避難書") == 1
    assert allowed_edits("map") == 0 and allowed_edits("population") == 2


def test_highlight_marks_matches_and_escapes_the_rest():
    assert str(highlight("市町村別人口<script>", "人口")) == "市町村別<mark>人口</mark>&lt;script&gt;"
    assert str(highlight("子育て支援", "こそだて")) == "<mark>子育て</mark>支援"
    snippet = str(highlight("あ" * 300 + "観光統計" + "い" * 300, "観光", limit=80))
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>観光</mark>" in snippet


def test_terms_are_capped_so_every_engine_sees_the_same_ones():
    # Elasticsearch's whitespace tokenizer would split a token over 255 characters.
    assert max(len(term) for term in text_terms("x" * 500)) == 200
    assert alternatives("y" * 300)[0][0] == (("y" * 200,), "word")
