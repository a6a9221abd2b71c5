"""extract_letters on letter lists (grid and labelled items) and detail pages."""

from __future__ import annotations

from datetime import date

from govaudit.extract.letters import extract_letters

ASOF = date(2024, 9, 30)


def test_hanweb_table(page):
    letters = extract_letters(
        page("letters_hanweb_table.html"), "http://www.qingshan.gov.cn/jact/front/maillist.do?sysid=1", ASOF
    )
    assert [(x.title, x.submitted, x.replied, x.answered) for x in letters] == [
        ("关于青山镇幼儿园入园难问题的咨询", date(2024, 9, 3), date(2024, 9, 6), True),
        ("建议在人民大街增设公交站点", date(2024, 8, 22), None, False),
        ("农村道路硬化何时实施", date(2024, 5, 15), None, False),
        ("供暖温度不达标", date(2023, 12, 1), date(2023, 12, 12), True),
    ]
    assert letters[0].url == "http://www.qingshan.gov.cn/jact/front/mailpubdetail.do?transactId=90301&sysid=1"


def test_labelled_list_items(page):
    letters = extract_letters(page("letters_labelled_list.html"), "http://jyj.qingshan.gov.cn/hdjl/zxts/index.html", ASOF)
    assert [(x.url.rsplit("/", 1)[-1], x.submitted, x.replied, x.answered) for x in letters] == [
        ("detail_10086.html", date(2024, 9, 1), date(2024, 9, 3), True),
        ("detail_10085.html", date(2024, 6, 18), None, False),  # full-width digits
        ("detail_10080.html", date(2024, 3, 11), date(2024, 3, 12), True),  # no status: the reply date says
    ]


def test_detail_page_answered(page):
    url = "http://www.qingshan.gov.cn/jact/front/mailpubdetail.do?transactId=7"
    (letter,) = extract_letters(page("letter_detail.html"), url, ASOF)
    assert letter.title == "关于小区停车位收费标准的咨询"
    assert letter.url == url
    assert (letter.submitted, letter.replied, letter.answered) == (date(2024, 7, 8), date(2024, 7, 15), True)


def test_detail_page_unanswered(page):
    (letter,) = extract_letters(page("letter_detail_unanswered.html"), "http://x.gov.cn/ly/1.html", ASOF)
    assert letter.title == "村里自来水经常停水"
    assert (letter.submitted, letter.replied, letter.answered) == (date(2024, 2, 20), None, False)


def test_pages_without_letters(page, realpage):
    assert extract_letters(page("guide_list.html"), "http://x.gov.cn/", ASOF) == []
    assert extract_letters(page("home_full_footer.html"), "http://x.gov.cn/", ASOF) == []
    assert extract_letters(realpage("article_hanweb_fgw_zj_gov_cn.html"), "http://fgw.zj.gov.cn/", ASOF) == []


def test_div_grid_with_year_less_dates():
    html = """<div class="xx-list">
      <div class="row head"><span>序号</span><span>留言标题</span><span>留言日期</span><span>回复日期</span></div>
      <div class="row"><span>1</span><span><a href="/ly/11.html">路灯不亮</a></span><span>09-20</span><span>09-25</span></div>
      <div class="row"><span>2</span><span><a href="/ly/10.html">垃圾清运不及时</a></span><span>[11-02]</span><span></span></div>
    </div>"""
    letters = extract_letters(html, "http://x.gov.cn/ly/", ASOF)
    assert [(x.title, x.submitted, x.replied, x.answered) for x in letters] == [
        ("路灯不亮", date(2024, 9, 20), date(2024, 9, 25), True),
        ("垃圾清运不及时", date(2023, 11, 2), None, False),  # year inferred: not after the as-of date
    ]
