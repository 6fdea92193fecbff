"""A contract-JSON report hand-written from seed 000 (孟津区朝阳镇, 2024), for round trips.

`seed000()` is the report as published (all zeros); `numbered()` gives every table cell a
distinct value, so a round trip that shifts a column or a row cannot pass by accident.
"""

from __future__ import annotations

import copy

from nianbao.contract import T3_COLUMNS, T3_GROUPS, T4_GROUPS, T4_OUTCOMES

T3_ROWS = (["new", "carried_over", "granted", "partly_granted"]
           + [key for _, items in T3_GROUPS for key, _ in items]
           + ["results_total", "carried_forward"])

SECTIONS = [
    {
        "number": 1,
        "heading": "总体情况",
        "text": "2024 年以来，朝阳镇人民政府在区委、区政府的坚强领导下，认真贯彻《中华人民共和国信息公开条例》及市、区相关文件精神，全面扩大和深化政府信息公开工作，不断推进政务公开法制化、规范化、科学化，切实保障人民群众的知情权、参与权和监督权，各项政府信息公开工作得到了深入开展。\n（一）主动公开：主动对本单位机构设置、职能、单位领导进行主动公开更新；主动公开党务政务信息，对乡村振兴、项目建设、民生实事等工作动态进行公开；主动公开养老、低保等补贴事项办理流程，方便群众办事。2024 年通过不同渠道和方式公开政府信息共 391 条。\n（二）依申请公开：2024 年我镇未收到书面或其他形式要求公开政府信息的申请，无因政府信息公开引起的行政复议、行政诉讼等情况。\n（三）政府信息管理：按照主动公开基本目录，及时维护更新相关信息。加强行政规范性文件管理，确保源头合法。定期组织开展规范性文件清理评估工作。严格信息发布，认真落实信息发布保密审查制度，信息发布“三审三校”工作制度，按照“谁制作、谁提供、谁审查、谁负责”的原则，建立完善公开审查发布机制，强化对政府信息的审核，增强风险意识，确保公开信息安全性。2024 年印发党政文件 246 件，不涉及行政规范性文件。\n（四）政府信息公开平台建设：朝阳镇积极用好孟津区政府网站和“云上孟津”两个信息发布平台，探索微信新媒体等宣传方法，同时在镇行政审批服务中心建设了线下公开平台，利用大厅宣传手册、集中宣传日活动等方式进行公开。设立政府信息公开栏，安排人员定期对政府公开内容进行更新，重点公开近期重要工作、惠民政策、民生等相关内容，切实增强人民群众获得感。\n（五）监督保障：我镇认真贯彻落实《中华人民共和国信息公开条例》有关规定，调整朝阳镇政务公开工作领导小组，加强人员队伍建设，组织专业培训，开展案例研讨交流，不断提高政府信息公开工作的质量和水平，确保政府信息公开扎实、规范、高效开展，以实际行动做到让群众满意。"
    },
    {
        "number": 2,
        "heading": "主动公开政府信息情况",
        "text": ""
    },
    {
        "number": 3,
        "heading": "收到和处理政府信息公开申请情况",
        "text": ""
    },
    {
        "number": 4,
        "heading": "政府信息公开行政复议、行政诉讼情况",
        "text": ""
    },
    {
        "number": 5,
        "heading": "存在的主要问题及改进情况",
        "text": "2024年，朝阳镇政府信息公开工作有序推进，但政府信息公开的深度和广度还不够，重大决策信息公开方式的多样性和创新性有待进一步提升。我镇采取以下措施进行改进：一是拓展公开方式。通过多种形式积极主动向媒体通报情况、发布消息，加大政策宣传力度。二是扩大信息公开内容。重点围绕重大决策文件、规划计划等信息探索多样化的解读方式，释放政策解读创新潜力，强化重大行政决策公开力度。"
    },
    {
        "number": 6,
        "heading": "其他需要报告的事项",
        "text": "本单位2024年度未收取政府信息公开信息处理费。"
    }
]


def seed000() -> dict:
    return {
        "title": "孟津区朝阳镇人民政府 2024 年政府信息公开工作年度报告",
        "organ": "孟津区朝阳镇人民政府",
        "place": "朝阳镇",
        "county": "孟津区",
        "city": None,
        "province": None,
        "year": 2024,
        "published": None,
        "template": "2021",
        "script": "simplified",
        "sections": copy.deepcopy(SECTIONS),
        "active": {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
            "licensing": 0, "penalty": 0, "enforcement": 0, "fees": 0,
        },
        "applications": {row: {col: 0 for col in T3_COLUMNS} for row in T3_ROWS},
        "appeals": {g: {o: 0 for o in T4_OUTCOMES} for g in T4_GROUPS},
        "findings": [],
    }


def numbered() -> dict:
    """Seed 000 with a distinct number in every cell (arithmetic need not hold)."""
    r = seed000()
    a = r["active"]
    a["regulations"] = {"issued": 1, "repealed": 2, "in_force": 3}
    a["normative_documents"] = {"issued": 62, "repealed": 33, "in_force": 440}
    a.update(licensing=15, penalty=27, enforcement=8, fees=1.5)
    for i, row in enumerate(T3_ROWS):
        r["applications"][row] = {col: 100 + i * 10 + j for j, col in enumerate(T3_COLUMNS)}
    for i, g in enumerate(T4_GROUPS):
        r["appeals"][g] = {o: 500 + i * 10 + j for j, o in enumerate(T4_OUTCOMES)}
    return r
