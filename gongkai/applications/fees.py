"""Information-processing fees (信息处理费, 条例第四十二条; 国办函〔2020〕109号).

Free by default. Only when the office decides that an applicant's volume is clearly beyond reason
is a fee charged, by one of two national methods: per request (counting one applicant's requests
in a calendar month) or per page. Pure functions: the tiers are data.
"""

from __future__ import annotations

from decimal import Decimal


def per_request_fee(requests_in_month: int) -> Decimal:
    """The fee for one applicant's requests in a calendar month: up to 10 free; the 11th to 30th
    100元 each; from the 31st, each further band of 10 requests costs 100元 more per request than
    the band before (31–40: 200元 each, 41–50: 300元 each, …)."""
    if requests_in_month < 0:
        raise ValueError("requests_in_month must not be negative")
    total = Decimal(0)
    for n in range(11, requests_in_month + 1):
        if n <= 30:
            total += 100
        else:
            total += 100 + 100 * ((n - 31) // 10 + 1)
    return total


def per_page_fee(pages: int) -> Decimal:
    """The fee for one request by pages: up to 30 pages free; 31–100 pages 10元 a page; 101–200
    pages 20元 a page; over 200 pages 40元 a page. Each band is charged at its own rate."""
    if pages < 0:
        raise ValueError("pages must not be negative")
    bands = ((30, 0), (100, 10), (200, 20))
    total = Decimal(0)
    lower = 0
    for upper, rate in bands:
        if pages > lower:
            total += (min(pages, upper) - lower) * rate
        lower = upper
    if pages > 200:
        total += (pages - 200) * 40
    return total
