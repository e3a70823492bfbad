"""The licences a dataset may carry (CKAN's licence register)."""

from __future__ import annotations

from dataclasses import dataclass

EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"


@dataclass(frozen=True)
class License:
    id: str
    title: str  # Japanese, shown by default
    title_en: str
    url: str
    # IRI for DCAT-AP's dct:license (an EU authority IRI where one exists).
    iri: str
    is_open: bool

    def as_dict(self) -> dict:
        """CKAN's ``license_list`` item."""
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "url": self.url,
            "status": "active",
            "od_conformance": "approved" if self.is_open else "not reviewed",
            "osd_conformance": "not reviewed",
            "domain_content": True,
            "domain_data": True,
            "domain_software": False,
            "is_generic": False,
            "is_okd_compliant": self.is_open,
            "is_osi_compliant": False,
            "family": "",
            "maintainer": "",
        }


LICENSES: tuple[License, ...] = (
    License(
        "PDL-1.0",
        "公共データ利用規約（第1.0版）",
        "Public Data License (Version 1.0)",
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
        True,
    ),
    License(
        "gov-standard-2.0",
        "政府標準利用規約（第2.0版）",
        "Government of Japan Standard Terms of Use (Version 2.0)",
        "https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf",
        "https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf",
        True,
    ),
    License(
        "CC-BY-4.0",
        "クリエイティブ・コモンズ 表示 4.0 国際",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/deed.ja",
        EU_LICENCE + "CC_BY_4_0",
        True,
    ),
    License(
        "CC-BY-2.1-JP",
        "クリエイティブ・コモンズ 表示 2.1 日本",
        "Creative Commons Attribution 2.1 Japan",
        "https://creativecommons.org/licenses/by/2.1/jp/",
        "https://creativecommons.org/licenses/by/2.1/jp/",
        True,
    ),
    License(
        "CC0-1.0",
        "CC0 1.0 全世界 パブリック・ドメイン提供",
        "CC0 1.0 Universal Public Domain Dedication",
        "https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
        EU_LICENCE + "CC0",
        True,
    ),
    License(
        "not-published",
        "非公開（利用規約なし）",
        "Not published",
        "",
        EU_LICENCE + "OP_DATPRO",
        False,
    ),
)

_BY_ID = {license.id: license for license in LICENSES}


def get_license(license_id: str | None) -> License | None:
    return _BY_ID.get(license_id or "")
