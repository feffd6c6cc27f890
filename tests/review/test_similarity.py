"""Similarity on Chinese characters: ratio, the pre-filter and the LSH pass over many texts."""

from __future__ import annotations

from evals.series import _parts, _rewrite_one, render, seeded
from service.review.similarity import chinese, copied, near_pairs, profile, ratio

FIVE = (
    "（一）存在的主要问题。一是政务公开意识有待加强，部分工作人员对公开工作的重要性认识不足；二是公开内容不够全面，"
    "重点领域信息更新不及时；三是政策解读形式单一，图解、视频等方式运用较少。（二）改进情况。下一步，我镇将加强业务培训，"
    "提升工作人员的业务能力，完善信息发布审核机制，丰富政策解读形式，切实提高政务公开质量。"
)
OTHER = (
    "今年以来，我局在行政审批制度改革方面持续发力，压减审批时限百分之四十，推行告知承诺制，企业开办实现一日办结。"
    "同时加快数字政府建设，推进一网通办，群众办事满意度显著提升，营商环境持续优化，市场主体活力明显增强。"
)


def test_only_chinese_characters_count() -> None:
    assert chinese("2023年，我镇 共公开 1,234 条（Ａ类）。") == "年我镇共公开条类"
    a = profile("2022年，本镇收到申请12件，全部按期答复。" * 5)
    b = profile("2023 年，本镇收到申请 31 件，全部按期答复！" * 5)
    assert ratio(a, b) == 1.0


def test_a_copy_with_an_edit_is_caught_and_a_different_text_is_not() -> None:
    edited = FIVE.replace("图解、视频等方式运用较少", "新媒体手段运用不多").replace("2023", "2024")
    value = copied(profile(edited), profile(FIVE), 0.8)
    assert value is not None and 0.8 <= value < 1
    assert copied(profile(OTHER), profile(FIVE), 0.8) is None
    assert copied(profile(edited), profile(FIVE), 0.99) is None


def test_short_sections_are_not_compared() -> None:
    assert copied(profile("无。"), profile("无。"), 0.8) is None
    assert not profile("本年度未收取信息处理费。").comparable


def test_near_pairs_finds_exactly_the_copies_among_many_texts() -> None:
    rng = seeded("near-pairs")
    texts = [render("五", _parts(rng, "五", None, 0), 2023, "我镇", 0) for _ in range(60)]
    texts[21] = _rewrite_one(rng, [texts[7]], 1)[0]  # one phrase swapped
    pairs = near_pairs([profile(t) for t in texts], 0.8)
    assert [(i, j) for i, j, _ in pairs] == [(7, 21)]
    assert pairs[0][2] >= 0.8
