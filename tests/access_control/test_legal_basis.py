"""The legal basis (根拠法令) of closed datasets: required for restricted, optional for
internal, cleared when a dataset is opened; errors in Japanese."""

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


def test_internal_may_omit_it_open_clears_it():
    assert check_closure("internal", "", "", "").errors == {}
    opened = check_closure("open", "contract", "第3条", "note")
    assert opened.errors == {} and set(opened.values.values()) == {""}


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
                     owner_org="tokei", access_level="restricted", legal_basis="その他",
                     legal_basis_text="福岡県情報公開条例 第7条", access_note="開示請求は不可")
    assert (created["legal_basis"], created["legal_basis_text"], created["access_note"]) == (
        "other", "福岡県情報公開条例 第7条", "開示請求は不可")


def test_unknown_basis_lists_the_choices(client, editor_token):
    status, body = call(client, "package_create", editor_token, name="secret-three",
                        owner_org="tokei", access_level="internal", legal_basis="道路交通法")
    assert status == 409
    assert body["error"]["legal_basis"] == [
        "根拠法令は次から選んでください: 個人情報保護法、統計法 第41条、地方税法 第22条、契約上の制約、その他"]


def test_tightening_to_restricted_asks_for_the_basis_and_opening_clears_it(client, department,
                                                                          editor_token):
    status, body = call(client, "package_patch", editor_token, id="naibu-shukei",
                        access_level="restricted")
    assert status == 409 and "legal_basis" in body["error"]
    restricted = result(client, "package_patch", editor_token, id="naibu-shukei",
                        access_level="restricted", legal_basis="個人情報保護法")
    assert restricted["legal_basis"] == "personal_information"
    opened = result(client, "package_patch", editor_token, id="naibu-shukei",
                    access_level="open")
    assert opened["legal_basis"] == "" and opened["access_note"] == ""


def test_other_fields_of_a_closed_dataset_patch_without_restating_the_basis(
        client, department, editor_token):
    patched = result(client, "package_patch", editor_token, id="kojin-chosa", title="新しい題名")
    assert patched["title"] == "新しい題名" and patched["legal_basis"] == "statistics_act_41"
