"""Every finding code the project knows, with its meaning in Chinese and English.

One catalogue for all stages: the parser and monitor emit these codes, the query language
accepts them (`finding:CODE`), and the portal explains them.
"""

from __future__ import annotations

FINDINGS: dict[str, tuple[str, str]] = {
    "T3_BALANCE": ("表三某一列不满足“本年新收＋上年结转＝办理结果总计＋结转下年度”",
                   "A column of table 3 breaks new + carried over = results total + carried forward"),
    "T3_ROW_SUM": ("表三某一行各类申请人之和不等于总计",
                   "A row of table 3 whose applicant columns do not add up to the total"),
    "T3_RESULTS_SUM": ("表三某一列各项办理结果之和不等于（七）总计",
                       "A column of table 3 whose result items do not add up to (7) total"),
    "T4_SUM": ("表四某一组维持、纠正、其他、尚未审结之和不等于总计",
               "A group of table 4 whose outcomes do not add up to its total"),
    "BLANK_CELL": ("必填单元格为空或无法识别", "A required cell is blank or unreadable"),
    "NARRATIVE_MISMATCH": ("正文所述数字与表格不一致", "The prose states a figure the tables contradict"),
    "MISSING_SECTION": ("缺少规定的部分", "A required part is absent"),
    "MISSING_TABLE": ("缺少规定的表格", "A required table is absent"),
    "YEAR_MISMATCH": ("标题、正文与报告期的年份不一致", "Title, text and period disagree on the year"),
    "OLD_TEMPLATE": ("2021年及以后的年报仍使用2019年旧格式", "A 2021-or-later report in the 2019 format"),
    "TEMPLATE_LEFTOVER": ("文中残留其他机关名称、其他年份或占位符（如XX镇）",
                          "Another body's name, another year or a placeholder left in the text"),
    "UNKNOWN_PLACE": ("报告所署机关不是区划名录中的乡镇街道，地点留空待核",
                      "The body named is not a township of the division registry: place left empty"),
    "ZERO_REPORT": ("所有数字均为零（提示，不是错误）", "Every figure is zero (information, not an error)"),
    "DUPLICATE_TEXT": ("正文与其他机关或上一年的报告（几乎）相同",
                       "The prose is (nearly) the same as another body's or last year's"),
    "LATE": ("晚于发布期限公开", "Published after the deadline"),
    "MISSING": ("期限已过仍未发现年报", "No report found after the deadline"),
    "MODIFIED": ("发布后内容被修改", "The published report changed after it was first seen"),
    "REMOVED": ("发布后被撤下", "The report disappeared after it was first seen"),
    "YEAR_CONTINUITY": ("本年“上年结转”或“现行有效”与上一年报告不衔接",
                        "This year's carried-over or in-force figures do not follow last year's"),
    "BACKDATED": ("页面显示的发布日期早于一次未列出该报告的栏目抓取（疑似倒签）",
                  "The shown date is earlier than a listing crawl that did not show the report"),
    "DATE_CONFLICT": ("页面显示的发布日期与网址、索引号或元数据中的日期相差超过3天",
                      "The shown date disagrees by more than 3 days with the URL, index number or metadata"),
    "FIGURE_JUMP": ("数字与上一年相比变化异常", "A figure jumps sharply from last year's"),
    "UNCHECKED": ("网站无法访问或被拦截，无法核实", "The site could not be checked (unreachable or blocked)"),
}
