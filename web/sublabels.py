"""Subscriptions in plain words: what each kind, channel, mode and status means, what will be
sent and when — Chinese, or English when the page is in English."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .findings import _pick

KIND: dict[str, tuple[str, str]] = {
    "saved_search": ("保存的检索", "saved search"),
    "region_compliance": ("地区按期发布情况", "a region's compliance"),
    "findings": ("地区内出现的问题", "findings in a region"),
    "publisher": ("某一单位", "one publisher"),
}
KIND_OPTION: dict[str, tuple[str, str]] = {
    "saved_search": ("保存的检索：有新的或修改的报告符合时提醒",
                     "saved search: new or changed reports that match"),
    "region_compliance": ("地区合规：期限过后未发布、逾期发布",
                          "region compliance: missing or late after the deadline"),
    "findings": ("地区内出现所选问题", "the chosen findings in a region"),
    "publisher": ("某一单位：新发布、修改、撤下", "one publisher: new, changed, removed"),
}
WHAT: dict[str, tuple[str, str]] = {
    "saved_search": ("每当有新发布或被修改的年报符合这条检索式时，发送该报告的标题、链接和命中的原文片段。",
                     "Whenever a newly published or changed report matches this query: its title, "
                     "link and the matching passages."),
    "region_compliance": ("本地区的单位过了发布期限仍未发布年报（缺报），或在期限之后才发布（迟报）时，"
                          "各发送一次，写明单位、期限和逾期天数。",
                          "Once when a publisher of this region has not published its report by the "
                          "deadline (missing), and once when it publishes after the deadline (late), "
                          "with the publisher, the deadline and the days late."),
    "findings": ("本地区新发布或被修改的年报出现所选问题（如表格数字不符、缺少章节、报告被修改或撤下）时，"
                 "发送报告链接和问题说明。",
                 "When a new or changed report of this region has one of the chosen findings (figures "
                 "that do not add up, a missing section, a report changed or removed): the report's "
                 "link and what was found."),
    "publisher": ("这个单位发布新年报、修改或撤下已发布的年报，以及缺报、迟报时，发送提醒。",
                  "When this publisher publishes a report, changes or removes one, or is missing "
                  "or late."),
}
CHANNEL: dict[str, tuple[str, str]] = {
    "email": ("电子邮件", "e-mail"), "webhook": ("Webhook", "webhook"),
    "feed": ("Atom 订阅源", "Atom feed"), "chat": ("钉钉 / 企业微信 / 飞书", "DingTalk / WeCom / Feishu"),
}
MODE: dict[str, tuple[str, str]] = {"immediate": ("立即", "immediately"), "daily": ("每日汇总", "daily digest")}
STATUS: dict[str, tuple[str, str]] = {
    "pending": ("待确认：请点击确认邮件中的链接", "waiting for confirmation: click the link in the mail"),
    "active": ("生效中", "active"),
    "paused": ("已暂停：投递多次失败", "paused: delivery failed repeatedly"),
    "cancelled": ("已取消", "cancelled"),
}
EVENT_STATUS: dict[str, tuple[str, str]] = {
    "pending": ("待发送", "to be sent"), "sending": ("发送中", "sending"), "sent": ("已发送", "sent"),
    "failed": ("发送失败，将重试", "failed, will retry"),
}
TEXT: dict[str, tuple[str, str]] = {
    "what_when": ("会收到什么、什么时候收到", "What you will receive, and when"),
    "email_optin": ("电子邮件订阅先发一封确认邮件，点击其中的链接后才开始发送提醒；每封提醒都带有一键退订链接。",
                    "An e-mail subscription starts with a confirmation mail: alerts are sent only "
                    "after you click its link; every alert carries a one-click unsubscribe link."),
    "what": ("将发送", "What is sent"), "when": ("发送时间", "When"),
    "conditions": ("条件", "Conditions"), "all": ("全部", "all"),
    "cancel_question": ("确定要取消这项订阅吗？取消后不再发送提醒，此链接也将失效。",
                        "Cancel this subscription? No more alerts will be sent and this link stops working."),
    "cancel_yes": ("是，取消订阅", "Yes, cancel it"), "cancel_no": ("不取消，返回", "No, go back"),
    "cancel_link": ("取消订阅…", "Cancel subscription…"),
    "confirm_question": ("确认后，将按下面的说明发送提醒。", "Once confirmed, alerts are sent as described below."),
    "no_events": ("还没有提醒。", "No alerts yet."),
}


def text(name: str) -> str:
    return _pick(TEXT[name])


def label(table: dict[str, tuple[str, str]], key: str | None) -> str:
    return _pick(table[key]) if key in table else (key or "—")


def when(mode: str | None, channel: str | None = None) -> str:
    """When alerts go out, for this portal (a demo runs its monitor every few seconds)."""
    demo = current_app.config.get("NIANBAO_DEMO") or {}
    tick = demo.get("tick") if isinstance(demo, dict) else None
    if channel == "feed":
        return _pick(("新提醒在监测运行后出现在订阅源中，阅读器按自己的频率读取。",
                      "New alerts appear in the feed after each monitoring run; your reader polls it."))
    if mode == "daily":
        return _pick(("每天北京时间 8:00 把前一天的全部提醒汇总成一条发送；没有提醒的日子不发送。",
                      "Every day at 08:00 Beijing time, one message with the previous day's alerts; "
                      "nothing on a day without alerts."))
    if tick:
        return _pick((f"演示模式：监测每 {tick} 秒运行一次，有提醒就立即发送。",
                      f"Demo mode: monitoring runs every {tick} seconds; alerts go out at once."))
    return _pick(("每次抓取和监测完成后立即发送（1–4 月每天一次，其他月份每周一次）；同一事件只发送一次。",
                  "Right after each crawl and monitoring run (daily from January to April, weekly "
                  "otherwise); each event is sent once."))


def context() -> dict[str, Any]:
    """Template helpers for the subscription pages."""
    return {"KIND": KIND, "KIND_OPTION": KIND_OPTION, "WHAT": WHAT, "CHANNEL": CHANNEL, "MODE": MODE,
            "SUB_STATUS": STATUS, "EVENT_STATUS": EVENT_STATUS, "sub_label": label, "sub_when": when,
            "sub_text": text}
