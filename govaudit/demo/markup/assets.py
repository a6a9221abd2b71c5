"""Static files every demo site serves: style sheet, the common script (TRS ``createPageHTML`` pager,
today's date), a few images and the files linked from guides and articles."""

from __future__ import annotations

import base64

# a valid 1x1 transparent PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

CSS = """body{margin:0;font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif;color:#333}
.w1200{width:1200px;margin:0 auto}.header{background:#b5110e;color:#fff}.nav ul{list-style:none;display:flex}
.nav li{padding:0 18px}.list li,.block-list li{display:flex;justify-content:space-between}
.footer{background:#f2f2f2;text-align:center;font-size:12px}.no-data,.column-note{color:#999;padding:40px}
"""

COMMON_JS = r"""function showToday(){var d=new Date(),w="日一二三四五六";
return "今天是"+d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日 星期"+w.charAt(d.getDay());}
function hits(){return Math.floor(Math.random()*900)+100;}
function toggleAccess(){document.body.classList.toggle('access');}
function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){
 if(_nPageCount==null||_nPageCount<=1){return;}
 var n=_nCurrIndex||0,p=function(i){return _sPageName+(i==0?"":"_"+i)+"."+_sPageExt;};
 if(n==0){document.write("<span>首页</span> <span>上一页</span> ");}
 else{document.write('<a href="'+p(0)+'">首页</a> <a href="'+p(n-1)+'">上一页</a> ');}
 if(n+1<_nPageCount){document.write('<a href="'+p(n+1)+'">下一页</a> <a href="'+p(_nPageCount-1)+'">尾页</a>');}
 else{document.write("<span>下一页</span> <span>尾页</span>");}
 document.write(" <span>共"+_nPageCount+"页</span>");
}
"""

JPAGE_JS = "/* Hanweb jpage: renders the <datastore> records page by page (not needed without a browser) */\n"

# minimal but well-formed attachments
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # OLE2 header signature, padded
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

IMAGES = ("logo.png", "red.png", "jiucuo.png", "gaba.png", "banner.png", "dot.png")
