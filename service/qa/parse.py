"""The offline parser: an everyday question -> a :class:`~service.qa.query.Query`.

Order of reading: body names and regions first (their spans are masked, so 各 inside 巨各庄 is not "every"), then
finding words, years, the operation, the subject (longest catalogue word first; generic words like 收到/申请 yield
to a specific row), group words (各镇, 区县, 部门), and text questions. What looks like a body name but matches
no stored body is kept as unmatched. A follow-up (那…呢, 还有…) takes what it does not say from the previous query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.names import SUFFIXES, Directory, normalize
from service.qa.query import FindingKind, Query, Subject
from service.qa.subjects import APPLICANT_WORDS, REVIEW_WORDS, ROW_BY_NAME, ROWS, T2_WORDS, columns_of, default_column

MASK = "□"
WEAK = {"收到", "受理", "申请", "公开了", "处理了", "办理了", "提出申请", "申请人数"}
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("乡镇街道", ("镇", "乡", "街道")),
    ("镇街", ("镇", "乡", "街道")),
    ("乡镇", ("镇", "乡")),
    ("街道", ("街道",)),
    ("县市区", ("区", "县", "市")),
    ("区县", ("区", "县")),
    ("县区", ("区", "县")),
    ("委办局", ("部门",)),
    ("厅局", ("厅", "局")),
    ("部门", ("部门",)),
    ("功能区", ("功能区",)),
    ("开发区", ("功能区",)),
)
GROUP = r"(?:哪个|哪些|哪几个|哪家|各个|各|每个|所有|全部|几个|多少个|这些|下辖|下属|以下)"
SINGLE_KINDS = {"镇": "镇", "乡": "乡", "区": "区", "县": "县", "厅": "厅", "局": "局", "市": "市"}
FINDING_WORDS: tuple[tuple[str, tuple[FindingKind, ...]], ...] = (
    (
        "(?:照抄|照搬|抄袭|抄|沿用|复制|套用)了?(?:去年|上年|往年|上一年|别人|其他单位)?的?|重复(?:去年|上年)|雷同|一模一样",
        ("照抄",),
    ),
    ("结转.{0,6}(?:对不上|不一致|不符|不对)", ("结转衔接",)),
    ("(?:存量|现行有效).{0,8}(?:对不上|不一致|不符|不对)", ("文件存量",)),
    ("前后对不上|衔接|跨年|上下年", ("跨年衔接",)),
    ("信息处理费.{0,8}(?:没有|未|缺|没)|(?:没有|未|缺|没).{0,8}信息处理费", ("信息处理费",)),
    (
        "正文与表格|正文和表格|文字与表格|文字和表格|文表|正文.{0,6}(?:不一致|对不上|矛盾|不符)"
        "|(?:正文|文字|文中).{0,12}表格?.{0,4}(?:不一致|对不上|矛盾|不符|不对)|表格?.{0,12}(?:正文|文字).{0,4}(?:不一致|对不上|矛盾|不符)",
        ("正文与表格",),
    ),
    ("勾稽|加不上|算错|不平|加总.{0,4}(?:不对|不等)|合计.{0,4}(?:不对|不等)", ("勾稽关系",)),
    ("缺表|缺少表|少了.{0,4}(?:表|行)|表格不全|缺行", ("缺表缺行",)),
    ("看不清|无法确定|无法识别|读不出|需复核|需要复核", ("无法确定",)),
    (
        "对不上|不一致|矛盾|错误|有误|出错|错了|不对|问题最多|有问题|异常|不符",
        ("勾稽关系", "正文与表格", "跨年衔接"),
    ),
)
FINDING_CONTEXT = re.compile(r"报告|哪些|哪个|哪家|有没有|是否|有无|几份|多少份|单位|数字|数据|表格|结转|存在")
TEXT_WORDS = re.compile(
    r"问题|不足|短板|差距|薄弱|困难|欠缺|下一步|打算|计划|改进|整改|措施|做法|怎么|如何|怎样|举措|经验|亮点|"
    r"介绍|情况如何|哪些工作|提到|提及|说了什么|讲了什么|内容|方面|重点|目标|方向|工作安排|成效"
)
NUMBER_WORDS = re.compile(r"多少|几[件个份家次]|数量|数字|总数|几成|百分|比例|占比|率|排名|最多|最少|合计|一共")
PROBLEM_WORDS = re.compile(r"问题|不足|短板|差距|薄弱|困难|欠缺|不够|有待")
IMPROVE_WORDS = re.compile(r"下一步|打算|计划|改进|整改|措施|今后|努力方向|工作安排|明年")
UNSUPPORTED = re.compile(
    r"第[一二三四1-4]季度|[一二三四1-4]季度|上半年|下半年|\d{1,2}月份?|[一二三四五六七八九十]+月份"
)
_UNKNOWN_BODY = re.compile(
    r"((?:[\u4e00-\u9fff]{2,5}?[省市])?(?:[\u4e00-\u9fff]{2,6}?[区县])?[\u4e00-\u9fff]{2,6}?"
    r"(?:街道|镇|乡|区|县|市|省|厅|局|委员会|委|办公室|管委会))"
)
_BODY_TAIL = re.compile(
    r"人民政府|政府|办公室|办公厅|管委会|[\u4e00-\u9fff]{1,8}?(?:厅|局|委员会|委|办|中心)(?![\u4e00-\u9fff]{0,2}(?:区|县|镇|乡))"
)
_LEAD_IN = re.compile(
    r"^(?:请问|请|查询|查一下|查查|查|看看|看一下|告诉我|帮我|那么|那|和|与|及|跟|对比|比较|关于|在|的)+"
)
_NOT_BODY = re.compile(
    r"^(?:各|全|本|我|该|每|所有|哪|这|那|几|多少|全部|以下|下辖|下属|上级|省直|市直|县直|区直|城区|市区|地区|辖区|"
    r"社区|小区|专区|园区|政区|行政区|管理局|委员会)|乡镇|区县|县区|县市|部门|单位|报告|年报"
)
# every catalogue word (rows and columns), longest first
WORDS = sorted(
    [(w, "row", r.name) for r in ROWS for w in r.words]
    + [(w, "col", name) for table in (APPLICANT_WORDS, REVIEW_WORDS, T2_WORDS) for name, _, ws in table for w in ws],
    key=lambda w: -len(w[0]),
)
_CN_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class Context:
    """What the parser needs from the store."""

    directory: Directory
    years: list[int]  # stored years
    years_of: dict[str, set[int]] = field(default_factory=dict)  # each issuer's stored years


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + MASK * (end - start) + text[end:]


def _years(text: str, q: Query, stored: list[int]) -> str:
    """Years, ranges and relative years; returns the text with the years masked."""
    latest = max(stored) if stored else None
    span = re.search(r"((?:19|20)\d{2})\s*年?度?\s*(?:到|至|—|–|-|~|～|－)\s*((?:19|20)\d{2})\s*年?度?", text)
    if span:
        a, b = sorted((int(span.group(1)), int(span.group(2))))
        q.years = list(range(a, b + 1))
        text = _mask(text, span.start(), span.end())
    since = re.search(r"((?:19|20)\d{2})\s*年?(?:以来|至今|起)", text)
    if since and latest:
        q.years = sorted({*q.years, *range(int(since.group(1)), latest + 1)})
        text = _mask(text, since.start(), since.end())
    recent = re.search(r"(?:近|最近|过去)([一两二三四五六七八九十\d]+)年", text)
    if recent and latest:
        count = int(recent.group(1)) if recent.group(1).isdigit() else _CN_DIGITS.get(recent.group(1), 1)
        q.years = sorted({*q.years, *range(latest - count + 1, latest + 1)})
        text = _mask(text, recent.start(), recent.end())
    for match in re.finditer(r"((?:19|20)\d{2})\s*(?:年|年度)?", text):
        q.years = sorted({*q.years, int(match.group(1))})
        text = _mask(text, match.start(), match.end())
    for match in re.finditer(r"(?<![\d.])([12]\d)\s*年(?!度报告)", text):
        q.years = sorted({*q.years, 2000 + int(match.group(1))})
        text = _mask(text, match.start(), match.end())
    compare = re.search(
        r"比上[一]?年|比去年|较上年|较去年|同比|比前一年|与上年|和上年|跟上年|与去年|和去年|跟去年", text
    )
    if compare:
        q.compare_previous = True
        text = _mask(text, compare.start(), compare.end())
    relative = re.search(r"去年|上一?年度?|前年|今年|最近一年|最新一年|最新", text)
    if relative and not q.years:
        q.relative_year = relative.group(0)  # resolved against the reports in scope (service/qa/answer.py)
        text = _mask(text, relative.start(), relative.end())
    return text


def _bodies(text: str, q: Query, directory: Directory) -> str:
    """Stored bodies and regions (a place followed by a group word is a region, else the body of that name)."""
    for match in directory.find(text):
        after = text[match.end : match.end + 6]
        is_region = bool(match.region) and (
            not match.issuers or re.match(r"(?:的)?" + GROUP + r"|(?:的)?(?:区县|县区|乡镇|街道|部门|下)", after)
        )
        tail = _BODY_TAIL.match(after) if not match.issuers else None
        if tail:  # 上海市人民政府, 上海市教育局: a body of that place, not stored
            q.unmatched.append(match.text + tail.group(0))
            text = _mask(text, match.start, match.end + tail.end())
            continue
        end = match.end
        if is_region:
            q.regions.append(match.text)
        else:
            q.bodies += [i for i in match.issuers if i not in q.bodies]
            # 上海市政府办公厅: the name's own suffix (dropped from its spoken forms) belongs to it
            end += next((len(s) for s in SUFFIXES if text.startswith(s, match.end)), 0)
        text = _mask(text, match.start, end)
    return text


def _unknown_bodies(text: str, q: Query) -> None:
    for match in _UNKNOWN_BODY.finditer(text):
        name = _LEAD_IN.sub("", match.group(1))
        if len(name) >= 3 and not _NOT_BODY.search(name) and not any(w in name for r in ROWS for w in r.words):
            q.unmatched.append(name)


def _findings(text: str, q: Query) -> str:
    if not FINDING_CONTEXT.search(text) or re.search(r"问题.{0,4}(?:和|及|与).{0,4}(?:改进|整改)|存在.{0,6}问题", text):
        return text
    for pattern, kinds in FINDING_WORDS:
        match = re.search(pattern, text)
        if match:
            q.findings = list(kinds)
            return _mask(text, match.start(), match.end())
    return text


def _subjects(text: str, q: Query) -> str:
    found: list[tuple[int, int, str, str]] = []  # start, end, kind (row|col), name
    taken = [False] * len(text)
    for word, kind, name in WORDS:
        if word not in text:
            continue
        for m in re.finditer(re.escape(word), text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append((m.start(), m.end(), kind, name if not (kind == "row" and word in WEAK) else "~" + name))
    found.sort()
    rows = [n for _, _, k, n in found if k == "row"]
    strong = [n for n in rows if not n.startswith("~")]
    rows = list(dict.fromkeys(strong or [n[1:] for n in rows]))
    rows = [r for r in rows if not any(o != r and set(ROW_BY_NAME[o].rows) < set(ROW_BY_NAME[r].rows) for o in rows)]
    columns = list(dict.fromkeys(n for _, _, k, n in found if k == "col"))
    if "公开率" in text or "公开比例" in text:
        rows = ["予以公开", "部分公开"]
        q.operation = "share"
    if re.search(r"纠错率|被纠正的比例|纠正率", text):
        rows, columns = rows or ["行政复议"], ["结果纠正"]
        q.operation = "share"
    if columns and not rows:
        rows = ["行政复议"] if any(c in dict((r[0], 1) for r in REVIEW_WORDS) for c in columns) else ["本年新收"]
    for name in rows:
        row = ROW_BY_NAME[name]
        mine = [c for c in columns if c in columns_of(row)] or [default_column(row)]
        q.subjects += [Subject(row=name, column=c) for c in mine]
    for start, end, _, _ in found:
        text = _mask(text, start, end)
    return text


def _kinds(text: str, q: Query) -> None:
    for word, kinds in KIND_WORDS:
        if word in text:
            q.kinds = list(dict.fromkeys([*q.kinds, *kinds]))  # type: ignore[list-item]
            text = text.replace(word, MASK * len(word))
    for match in re.finditer(GROUP + r"([镇乡区县厅局市])", text):
        kind = SINGLE_KINDS[match.group(1)]
        if kind not in q.kinds:
            q.kinds.append(kind)  # type: ignore[arg-type]


def _operation(text: str, q: Query) -> None:
    if q.operation == "share":
        return
    compared = q.compare_previous or re.search(r"比(?![例重])", text)
    if compared and re.search(r"(?:高|多|低|少|增长|增加|减少|下降)了?(?:百分之|几成|多少%)", text):
        q.operation = "growth"  # 比卷硐镇多百分之几, 比上年高百分之多少: one against the other, not a share
        return
    ops = (
        ("share", r"占比|比例|比重|百分之几|占.{0,10}(?:的)?(?:多少|几成)|几成|份额"),
        ("growth", r"增长率|增幅|增速|涨幅|降幅|增长了?百分之|下降了?百分之|增长了?多少%|变化幅度"),
        (
            "diff",
            r"增加了?多少|增加了?几|减少了?多少|减少了?几|(?<!至)[多少][收办受结]?了?(?:多少|几)|差多少|相差|差距|变化了?多少|增减|增长了?多少|下降了?多少",
        ),
        ("trend", r"趋势|变化情况|历年|逐年|每年|各年度?|这几年|几年来|历年来|变化"),
        ("avg", r"平均|均值"),
        ("rank", r"排名|排序|排行|从高到低|从多到少|从低到高|前[三五十]名?|前几"),
        ("zero", r"为零|为0|是零|是0|零申请|一件.{0,4}也?没|一件都没有|都没有收到|没有收到|没收到|0件"),
        ("max", r"最多|最高|最大|第一名?|居首|之最"),
        ("min", r"最少|最低|最小|垫底"),
        ("max", r"(?:哪个|哪家|哪一个|谁)[^，。？?]{0,15}?(?:多(?![少于])|高|大)"),  # 哪个收到的申请多
        ("min", r"(?:哪个|哪家|哪一个|谁)[^，。？?]{0,15}?(?:(?<!多)少(?!于)|低|小)"),
        ("count", r"几个|几份|多少个|多少份|多少家|几家"),
        ("sum", r"一共|合计|总共|共计|加起来|总和|累计|加总|总量|全部加"),
        ("list", r"分别|各自|每个|逐个|逐一|列出|各是多少"),
    )
    for op, pattern in ops:
        if re.search(pattern, text):
            if op == "trend" and len(q.years) == 2 and q.compare_previous:
                continue
            q.operation = op  # type: ignore[assignment]
            return
    if q.compare_previous:
        q.operation = "diff"


def _text(original: str, q: Query, asked: bool) -> None:
    """A question about the reports' words: problems, improvements, measures (or anything else not understood)."""
    if q.findings or q.unsupported:
        return
    if q.subjects and not (
        TEXT_WORDS.search(original) and not (NUMBER_WORDS.search(original) and not PROBLEM_WORDS.search(original))
    ):
        return
    if not TEXT_WORDS.search(original) and (asked or q.subjects):
        return  # a number is asked, but which one was not understood
    q.subjects = []
    q.operation = "value"
    if PROBLEM_WORDS.search(original):
        q.section, q.aspect = "五", "problems"
    if IMPROVE_WORDS.search(original) and not re.search(r"问题|不足|短板|差距", original):
        q.section, q.aspect = "五", "improvements"
    if "信息处理费" in original or "其他需要报告" in original:
        q.section = "六"
    q.text = original


def is_follow_up(text: str) -> bool:
    """A question that leans on the previous one (那…呢, 还有…, 换成…)."""
    t = text.strip().rstrip("？?。!！")
    return t.startswith(("那", "还有", "再看", "另外", "同样", "换成", "改成")) or t.endswith("呢")


def _inherit(q: Query, previous: Query, grouped: bool) -> Query:
    update: dict[str, object] = {}
    if not q.bodies and not q.kinds and not q.regions and not q.unmatched and not grouped:
        update |= {"bodies": previous.bodies, "kinds": previous.kinds, "regions": previous.regions}
    if not q.years:
        update |= {"years": previous.years, "compare_previous": previous.compare_previous}
        update |= {"relative_year": previous.relative_year}
    if not q.subjects and not q.findings and q.text is None:
        update |= {"subjects": previous.subjects, "findings": previous.findings, "text": previous.text}
        update |= {"section": previous.section, "aspect": previous.aspect}
    if q.operation == "value":
        update["operation"] = previous.operation
    return q.model_copy(update=update)


def parse(text: str, context: Context, *, previous: Query | None = None) -> Query:
    """Read a question (see the module docstring)."""
    q = Query()
    original = normalize(text)
    work = _bodies(original, q, context.directory)
    unsupported = UNSUPPORTED.search(work)
    if unsupported:
        q.unsupported.append(unsupported.group(0))
    work = _findings(work, q)
    work = _years(work, q, context.years)
    _operation(work, q)
    asked = q.operation != "value" or NUMBER_WORDS.search(work) is not None
    work = _subjects(work, q)
    grouped = re.search(GROUP + r"[镇乡区县厅局市单位]|乡镇|区县|县区|街道|部门|厅局", work) is not None
    _kinds(work, q)
    _unknown_bodies(work, q)
    follow = previous is not None and is_follow_up(text)
    if previous is not None and follow:
        q = _inherit(q, previous, grouped)
    if not follow or TEXT_WORDS.search(original):
        _text(original, q, asked)
    if q.operation == "value" and q.compare_previous:
        q.operation = "diff"
    one_body = len({context.directory.key(b) for b in q.bodies}) <= 1  # one body, perhaps under two issuer names
    if len(set(q.years)) == 2 and q.operation == "value" and one_body and re.search(r"比|较|相比", work):
        q.operation = "diff"
    return q


def previous_query(history: Sequence[str], context: Context) -> Query | None:
    """The query of the last earlier question, each read with the one before it."""
    previous = None
    for earlier in history:
        previous = parse(earlier, context, previous=previous)
    return previous
