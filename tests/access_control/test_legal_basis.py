"""The legal basis (根拠法令): a choice list plus free text, required for restricted
datasets, optional otherwise; errors in Japanese."""

import pytest

from access_control.legal_basis import LegalBasis, check_closure, label, parse_legal_basis
from tests.helpers import call, result


@pytest.mark.parametrize("text, expected", [
    ("個人情報保護法", LegalBasis.PERSONAL_INFORMATION),
    ("統計法第４１条", LegalBasis.STATISTICS_ACT_41),  # full-width digits, no space
    ("地方税法　第22条", LegalBasis.LOCAL_TAX_ACT_22),  # full-width space
    ("contract", LegalBasis.CONTRACT),
    ("Other", LegalBasis.OTHER),
    ("道路交通法", None),
    ("", None),
])
def test_choices_accept_codes_and_labels(text, expected):
    assert parse_legal_basis(text) == expected


def test_labels_in_both_languages():
    assert label("statistics_act_41") == "統計法 第41条"
    assert label("statistics_act_41", "en") == "Statistics Act, Article 41"


def test_only_restricted_requires_it_and_choices_are_stored_by_their_japanese_name():
    assert check_closure("internal", "", "", "").errors == {}
    opened = check_closure("open", "contract", "第3条", "note")
    assert opened.errors == {}
    assert opened.values == {"legal_basis": "契約上の制約", "legal_basis_text": "第3条",
                             "access_note": "note"}
    assert check_closure("restricted", "統計法第４１条", "", "").values["legal_basis"] == (
        "統計法 第41条")


@pytest.fixture
def editor_token(department):
    return department.tokens["henshu"]


def test_restricted_dataset_requires_a_legal_basis(client, editor_token):
    status, body = call(client, "package_create", editor_token, name="secret-one",
                        owner_org="tokei", access_level="restricted")
    assert status == 409
    assert body["error"]["legal_basis"] == [
        "限定公開のデータセットには根拠法令（公開できない理由となる法令や契約）を選んでください"]
    assert call(client, "package_show", editor_token, id="secret-one")[0] == 404  # nothing saved


def test_other_needs_the_law_named(client, editor_token):
    status, body = call(client, "package_create", editor_token, name="secret-two",
                        owner_org="tokei", access_level="restricted", legal_basis="その他")
    assert status == 409
    assert "法令名や理由を記入してください" in body["error"]["legal_basis_text"][0]
    created = result(client, "package_create", editor_token, name="secret-two",
                     owner_org="tokei", access_level="restricted", legal_basis="other",
                     legal_basis_text="福岡県情報公開条例 第7条", access_note="開示請求は不可")
    assert (created["legal_basis"], created["legal_basis_text"], created["access_note"]) == (
        "その他", "福岡県情報公開条例 第7条", "開示請求は不可")


def test_a_law_outside_the_list_is_kept_as_written(client, editor_token):
    """Inventories name laws freely (児童手当法); such a basis is kept, and stays the
    same when the same value comes again (harvests, ckanapi round trips)."""
    created = result(client, "package_create", editor_token, name="jidou-teate",
                     owner_org="tokei", access_level="restricted", legal_basis=" 児童手当法 ")
    assert (created["legal_basis"], created["legal_basis_text"]) == ("児童手当法", "")
    round_trip = result(client, "package_update", editor_token, **created)
    assert round_trip["legal_basis"] == "児童手当法"
    assert round_trip["metadata_modified"] == created["metadata_modified"]  # no change


def test_tightening_to_restricted_asks_for_the_basis(client, department, editor_token):
    status, body = call(client, "package_patch", editor_token, id="naibu-shukei",
                        access_level="restricted")
    assert status == 409 and "legal_basis" in body["error"]
    restricted = result(client, "package_patch", editor_token, id="naibu-shukei",
                        access_level="restricted", legal_basis="個人情報保護法")
    assert restricted["legal_basis"] == "個人情報保護法"
    opened = result(client, "package_patch", editor_token, id="naibu-shukei",
                    access_level="open")
    assert opened["legal_basis"] == "個人情報保護法"  # kept: the law the data is kept under


def test_other_fields_of_a_closed_dataset_patch_without_restating_the_basis(
        client, department, editor_token):
    patched = result(client, "package_patch", editor_token, id="kojin-chosa", title="新しい題名")
    assert patched["title"] == "新しい題名" and patched["legal_basis"] == "統計法 第41条"


def test_the_catalog_itself_may_restrict_without_a_basis_and_the_gap_shows(client, department):
    """A harvest that finds personal data must be able to close it at once."""
    from tests.factories import make_dataset
    from tests.helpers import sign_in

    make_dataset(department.organization, name="soudan-kiroku", access_level="restricted")
    sign_in(client, "kanri")
    page = client.get("/dataset/soudan-kiroku").get_data(as_text=True)
    assert "限定公開" in page and "根拠法令が記入されていません。" in page
