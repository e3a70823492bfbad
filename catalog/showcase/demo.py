"""Demo use cases, linked to open demo datasets (see :mod:`catalog.demo`).

Loading is idempotent: a use case whose name exists is left alone. A dataset that is
missing or not open is simply not linked, since only open datasets may be.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from catalog.api.context import Context
from catalog.datasets.models import Dataset
from catalog.publishing.services import public_clause
from catalog.showcase.models import Showcase, ShowcaseState
from catalog.showcase.services import create_showcase


@dataclass(frozen=True)
class DemoShowcase:
    name: str
    title: str
    showcase_type: str
    notes: str
    author: str
    url: str
    tags: tuple[str, ...]
    datasets: tuple[str, ...]
    colour: tuple[int, int, int]
    featured: bool = False


SHOWCASES = (
    DemoShowcase(
        "jinkou-dashboard", "福岡県 人口ダッシュボード", "visualization",
        "市区町村別の人口・世帯数と年齢3区分別人口を、地図とグラフで比べられるダッシュボードです。\n\n"
        "- 市区町村を選ぶと、過去からの推移を表示します\n- 高齢化率の高い順に並べ替えられます",
        "福岡オープンデータ勉強会", "https://example.jp/fukuoka-jinkou",
        ("人口", "ダッシュボード", "地図"),
        ("shichouson-betsu-jinkou", "nenrei-betsu-jinkou", "suikei-jinkou-geppou"),
        (0, 85, 140), featured=True),
    DemoShowcase(
        "aed-navi", "AEDナビ 福岡", "app",
        "現在地から近いAEDと指定緊急避難場所を地図で探せるスマートフォンアプリです。"
        "通信できないときのために、データを端末に保存しておけます。",
        "株式会社サンプル", "https://example.jp/aed-navi", ("AED", "防災", "アプリ"),
        ("aed-setchi-basho", "shitei-kinkyuu-hinan-basho"), (163, 20, 47), featured=True),
    DemoShowcase(
        "kosodate-map", "子育て施設マップ", "app",
        "保育施設、放課後児童クラブ、公立図書館をまとめて地図に表示します。"
        "子育て中の家族が引っ越し先を探すときに使われています。",
        "市民エンジニアの会", "https://example.jp/kosodate", ("子育て", "地図"),
        ("hoiku-shisetsu", "houkago-jidou-club", "toshokan"), (0, 110, 70), featured=True),
    DemoShowcase(
        "inbound-report", "インバウンド観光の動向レポート 2024", "report",
        "観光入込客数と外国人延べ宿泊者数から、国・地域別の回復状況と、"
        "市区町村ごとの観光客の偏りを分析したレポートです。",
        "九州観光研究所", "https://example.jp/inbound-2024", ("観光", "インバウンド"),
        ("kankou-irikomi-kyakusuu", "gaikokujin-shukuhaku"), (138, 75, 0)),
    DemoShowcase(
        "shussei-kenkyuu", "出生数の地域差と子育て支援に関する研究", "research",
        "市区町村別出生数と人口動態統計を用いて、出生数の地域差と子育て支援施策の関係を"
        "検討した研究論文です。",
        "福岡の大学 公共政策研究室", "https://example.jp/paper/shussei",
        ("出生", "研究", "子育て"), ("shussei-su-shichouson", "jinkou-doutai"), (80, 60, 140)),
    DemoShowcase(
        "gomi-recycle-kiji", "ごみの量は減っている？ 数字で見るリサイクル", "article",
        "一般廃棄物の排出量とリサイクル率の推移を、グラフでわかりやすく解説した記事です。",
        "地域ニュースサイト", "https://example.jp/news/recycle", ("環境", "ごみ"),
        ("ippan-haikibutsu",), (0, 100, 110)),
)


def demo_image(spec: DemoShowcase) -> bytes:
    """A simple bar-chart picture in the use case's colour (made here, not downloaded)."""
    width, height = 640, 360
    image = Image.new("RGB", (width, height), (244, 247, 250))
    draw = ImageDraw.Draw(image)
    rng = random.Random(spec.name)
    bars = 8
    for index in range(bars):
        bar_height = rng.randint(60, 300)
        left = 40 + index * 72
        draw.rectangle((left, height - 30 - bar_height, left + 48, height - 30), fill=spec.colour)
    draw.line((30, height - 30, width - 30, height - 30), fill=(77, 77, 77), width=3)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def load_demo_showcases(context: Context) -> int:
    """Create the demo use cases that do not exist yet; returns how many were created."""
    existing = set(context.db.scalars(sa.select(Showcase.name)))
    created = 0
    for spec in SHOWCASES:
        if spec.name in existing:
            continue
        open_names = list(context.db.scalars(sa.select(Dataset.name).where(
            Dataset.name.in_(spec.datasets), public_clause())))
        create_showcase(context, {
            "name": spec.name, "title": spec.title, "showcase_type": spec.showcase_type,
            "notes": spec.notes, "author": spec.author, "url": spec.url,
            "tags": list(spec.tags), "datasets": open_names, "featured": spec.featured,
            "image_upload": FileStorage(io.BytesIO(demo_image(spec)), filename="demo.png"),
        }, state=ShowcaseState.ACTIVE)
        created += 1
    context.db.commit()
    return created
