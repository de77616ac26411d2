"""The Scrapy reference for bench/crawl_speed.py: read sitemap.xml, fetch every page, keep the
body text (``" ".join(response.css("body *::text").getall())``) as one item per page.

Politeness off and the same concurrency as our run are set on the command line::

    scrapy runspider bench/scrapy_spider.py -a sitemap=http://127.0.0.1:PORT/sitemap.xml \\
        -O items.jsonl -s CONCURRENT_REQUESTS=16 -s CONCURRENT_REQUESTS_PER_DOMAIN=16 \\
        -s DOWNLOAD_DELAY=0 -s ROBOTSTXT_OBEY=False -s AUTOTHROTTLE_ENABLED=False \\
        -s LOG_LEVEL=ERROR
"""

from __future__ import annotations

import scrapy


class SiteSpider(scrapy.Spider):
    name = "bench_site"

    def __init__(self, sitemap: str = "", *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sitemap = sitemap

    async def start(self):
        yield scrapy.Request(self.sitemap, callback=self.parse_sitemap)

    def start_requests(self):
        yield scrapy.Request(self.sitemap, callback=self.parse_sitemap)

    def parse_sitemap(self, response):
        response.selector.remove_namespaces()
        for loc in response.xpath("//url/loc/text()").getall():
            yield scrapy.Request(loc.strip(), callback=self.parse_page)

    def parse_page(self, response):
        yield {"url": response.url, "text": " ".join(response.css("body *::text").getall())}
