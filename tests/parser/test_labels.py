"""Label matching, cell values, numerals, titles: the small pieces the parser stands on."""

from __future__ import annotations

import pytest

from indexer.parse.meta import find_title, organ_of, region_of, year_of
from indexer.parse.normalize import cell_value, cn_to_int, norm_label, norm_text, script_of
from indexer.parse.sections import find_sections
from indexer.parse.tables import _align, match_t2_label, match_t3_label


@pytest.mark.parametrize("label,key", [
    ("一、本年新收政府信息公开申请数量", "new"),
    ("一、本年新收\n政府信息公开申请数量", "new"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("(一) 予以公开", "granted"),
    ("（一）子以公开", "granted"),
    ("(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", "partly_granted"),
    ("1. 属于国家秘密", "refused_state_secret"),
    ("2.其他法律行政法规禁止公开", "refused_prohibited"),
    ("3. 危及“三安全一稳定”", "refused_safety_stability"),
    ('3.危及"三安全一稳定"', "refused_safety_stability"),
    ("４．保护第三方合法权益", "refused_third_party"),
    ("5.属于三类内部事务信息", "refused_internal"),
    ("6. 属于四类过程性信息", "refused_process"),
    ("7.属于行政执法案卷", "refused_enforcement_file"),
    ("8.属于行政查询事项", "refused_query"),
    ("1.本机关不掌握相关政府信息", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"),
    ("1.信访举报投诉类申请", "not_handled_petition"),
    ("2. 重复申请", "not_handled_repeat"),
    ("3.要求提供公开出版物", "not_handled_publication"),
    ("4.无正当理由大量反复申请", "not_handled_mass"),
    ("5.要求行政机关确认或重新出具已<br>获取信息", "not_handled_reconfirm"),
    ("1.申请人无正当理由逾期不补正、<br>行政机关不再处理其政府信息公开<br>申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
    ("3. 其他", "other_other"),
    ("3.其他", "other_other"),
    ("(七)总记", "results_total"),
    ("（七） 总 计", "results_total"),
    ("四、结转下年度继续办理", "carried_forward"),
    ("一、本年新收政府資訊公開申請數量", "new"),
    ("三、本年度办理结果", None),
    ("", None),
])
def test_t3_labels(label: str, key: str | None) -> None:
    assert match_t3_label(label) == key


@pytest.mark.parametrize("label,key", [
    ("规章", "regulations"), ("规 章", "regulations"), ("行政规范性文件", "normative_documents"),
    ("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政强制", "enforcement"),
    ("行政事业性收费", "fees"), ("行政事业性收費", "fees"), ("信息内容", None), ("行政复议", None),
])
def test_t2_labels(label: str, key: str | None) -> None:
    assert match_t2_label(label) == key


def test_norm_label_strips_markup_numbering_and_width() -> None:
    assert norm_label("（二）<b>部分公开</b>") == "部分公开"
    assert norm_label("社会<br>公益<br>组织") == "社会公益组织"
    assert norm_label("３．其他") == "其他"


@pytest.mark.parametrize("cell,value", [
    ("0", 0), (" 12 ", 12), ("１２", 12), ("", None), ("-", None), ("/", None), ("1,200", 1200),
    ("3件", 3), ("0.5", 0.5), ("2.0", 2), ("abc", None), ("<b>7</b>", 7),
])
def test_cell_values(cell: str, value) -> None:
    assert cell_value(cell) == value


@pytest.mark.parametrize("s,n", [("十二", 12), ("十", 10), ("二十三", 23), ("一百零五", 105),
                                 ("两千", 2000), ("二〇二四", 2024), ("零", 0), ("12", 12), ("abc", None)])
def test_chinese_numerals(s: str, n) -> None:
    assert cn_to_int(s) == n


def test_alignment_prefers_header_positions_and_follows_shifts() -> None:
    pos = [2, 3, 4, 5, 6, 7, 8]
    # label cell at 0, a merged cell at 1, values at 2..8, trailing padding
    assert _align(["label", "", "1", "2", "3", "4", "5", "6", "21", ""], 1, pos) == [1, 2, 3, 4, 5, 6, 21]
    # shifted right by a doubled label cell
    assert _align(["", "(三)", "1. x", "1", "0", "0", "0", "0", "0", "1"], 3, pos) == [1, 0, 0, 0, 0, 0, 1]
    # shifted left: the merged cell is missing
    assert _align(["(七) 总计", "1", "0", "0", "0", "0", "0", "1", "", ""], 1, pos) == [1, 0, 0, 0, 0, 0, 1]
    # a blank cell stays blank at its column
    assert _align(["label", "", "", "0", "0", "0", "0", "0", "1", ""], 1, pos) == [None, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("title,year,organ,place,county,city,province", [
    ("孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告", 2024, "孟津区朝阳镇人民政府", "朝阳镇", "孟津区", None, None),
    ("2018年建新镇政府信息公开工作年度报告", 2018, "建新镇", "建新镇", None, None, None),
    ("舟曲县八楞乡人民政府2021年度政府信息公开工作年度报告", 2021, "舟曲县八楞乡人民政府", "八楞乡", "舟曲县", None, None),
    ("北京市西城区什刹海街道2022年政府信息公开工作年度报告", 2022, "北京市西城区什刹海街道", "什刹海街道", "西城区", None, "北京市"),
    ("河南省洛阳市孟津区朝阳镇人民政府2024年政府信息公开工作年度报告", 2024, "河南省洛阳市孟津区朝阳镇人民政府", "朝阳镇", "孟津区", "洛阳市", "河南省"),
    ("孟津區朝陽鎮人民政府2024年政府信息公開工作年度報告", 2024, "孟津区朝阳镇人民政府", "朝阳镇", "孟津区", None, None),
    ("宣威市宝山镇人民政府２０２４年政府信息公开工作年度报告", 2024, "宣威市宝山镇人民政府", "宝山镇", "宣威市", None, None),
    # a township name unique in the registry brings its county, city and province
    ("长底布依族乡人民政府2023年政府信息公开工作年度报告（图片版）", 2023, "长底布依族乡人民政府", "长底布依族乡", "罗平县", "曲靖市", "云南省"),
    ("永嘉金溪镇2018年政府信息公开工作年度报告", 2018, "永嘉金溪镇", "金溪镇", "永嘉县", "温州市", "浙江省"),
    ("关岭自治县永宁镇人民政府2023年政府信息公开工作年度报告", 2023, "关岭自治县永宁镇人民政府", "永宁镇",
     "关岭布依族苗族自治县", None, None),
    # a department is no division: its name stays in `organ`, never in `place`
    ("孟津区城市管理局2024年政府信息公开工作年度报告", 2024, "孟津区城市管理局", None, "孟津区", None, None),
    ("二〇二四年朝阳镇政府信息公开工作年度报告", 2024, "朝阳镇", "朝阳镇", None, None, None),
])
def test_title_patterns(title, year, organ, place, county, city, province) -> None:
    assert year_of(title) == year
    assert organ_of(title) == organ
    assert region_of(organ) == dict(place=place, county=county, city=city, province=province)


def test_title_broken_over_two_lines() -> None:
    assert find_title(["寒葱沟镇2024年政府信息公开工作", "年度报告", "2024年，…"], None) == (
        "寒葱沟镇2024年政府信息公开工作年度报告", 2)
    assert find_title(["正文"], "页面标题 2024年政府信息公开工作年度报告")[1] == 0


def test_script_and_normalisation() -> None:
    trad = "本鎮嚴格遵循《中華人民共和國政府信息公開條例》規定的主動公開範圍，及時發佈並更新政府信息。"
    assert script_of(trad) == "traditional"
    assert script_of(norm_text(trad)) == "simplified"
    assert norm_text("ＡＢＣ１２３，（一）") == "ABC123,(一)"


def test_sections_ignore_subheadings_and_accept_numbering_styles() -> None:
    paras = ["1、 总体情况", "（一）主动公开情况", "正文", "二、主动公开政府信息情况",
             "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
             "五、存在的主要问题及改进情况", "一、强化人员培训", "二、加强宣传工作", "文字",
             "六、其他需要报告的事项", "无"]
    secs = find_sections(paras)
    assert [s.number for s in secs] == [1, 2, 3, 4, 5, 6]
    assert secs[4].text == "一、强化人员培训\n二、加强宣传工作\n文字"
    assert secs[0].text == "（一）主动公开情况\n正文"


def test_table_four_transposed_and_with_a_label_cell() -> None:
    from indexer.parse.tables import parse_t4

    transposed = [["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                  ["行政复议", "1", "2", "0", "0", "3"],
                  ["行政诉讼（未经复议直接起诉）", "0", "0", "1", "0", "1"],
                  ["行政诉讼（复议后起诉）", "0", "0", "0", "", "0"]]
    got = parse_t4(transposed)
    assert got["review"] == {"upheld": 1, "corrected": 2, "other": 0, "pending": 0, "total": 3}
    assert got["litigation_direct"]["other"] == 1
    assert got["litigation_after_review"]["pending"] is None
    labelled = [["行政复议", "", "", "", "", "行政诉讼"], ["数量", *[str(i % 3) for i in range(15)]]]
    assert parse_t4(labelled)["litigation_after_review"]["total"] == 2


def test_year_from_the_period_when_the_title_has_none() -> None:
    from indexer.parse.meta import year_from_text

    assert year_from_text("本报告统计时限为2023年1月1日至12月31日。") == (2023, "period")
    assert year_from_text("本报告所列数据的统计期限自2023年1月1日起。") == (2023, "period")
    assert year_from_text("现将2022年度政府信息公开工作年度报告公布如下") == (2022, "prose")
    assert year_from_text("一、总体情况\n2024年，我镇深入贯彻…") == (2024, "prose:lead")
    assert year_from_text("无年份") == (None, None)


def test_table_two_header_tolerates_the_ocr_reading_of_fei() -> None:
    """Tesseract reads 本年废止件数 as 本年记止件数; the column is still `repealed`."""
    from indexer.parse.tables import parse_t2

    rows = [["信息内容", "本年制发件数", "本年记止件数", "现行有效件数"], ["规章", "1", "2", "3"]]
    got, _ = parse_t2(rows)
    assert got["regulations"] == {"issued": 1, "repealed": 2, "in_force": 3}
    # the columns go by the header, so a swapped order proves the header was read
    swapped = [["信息内容", "本年记止件数", "本年制发件数", "现行有效件数"], ["规章", "1", "2", "3"]]
    assert parse_t2(swapped)[0]["regulations"] == {"issued": 2, "repealed": 1, "in_force": 3}
    # 记止 on its own (not the header wording) maps nothing
    other = [["信息内容", "本年制发件数", "登记止", "现行有效件数"], ["规章", "1", "2", "3"]]
    assert parse_t2(other)[0]["regulations"] == {"issued": 1, "repealed": None, "in_force": 3}
