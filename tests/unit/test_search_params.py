"""URL parameters of the page and the API: defaults, round trips, and one-sentence errors."""

from datetime import date
from urllib.parse import parse_qs

import pytest

from pipeline.exceptions import BadParameter
from pipeline.search.query import SearchRequest
from pipeline.search.web.params import page_of, params_of, request_from_params


def test_defaults_are_a_first_page_of_ten_grouped_by_copies() -> None:
    request = request_from_params({})
    assert request == SearchRequest(size=10, offset=0, collapse=True)


def test_every_parameter_is_read() -> None:
    request = request_from_params(
        {
            "q": ["Iraq"],
            "source": ["demo", "bay_courier", "demo"],
            "section": ["opinion"],
            "author": ["Igor Ivanov"],
            "language": ["en"],
            "from": ["2016-01-01"],
            "to": ["2016-12-31"],
            "sort": ["date"],
            "page": ["3"],
            "size": ["20"],
            "collapse": ["0"],
            "interval": ["week"],
        }
    )
    assert request.text == "Iraq"
    assert request.sources == ("demo", "bay_courier")  # repeated values once
    assert request.date_from == date(2016, 1, 1) and request.date_to == date(2016, 12, 31)
    assert (request.offset, request.size, page_of(request)) == (40, 20, 3)
    assert not request.collapse and request.sort == "date" and request.interval == "week"


def test_params_round_trip_and_change_the_page() -> None:
    request = request_from_params(
        {"q": ["Iraq war"], "source": ["demo"], "from": ["2016-01-01"], "collapse": ["0"]}
    )
    again = request_from_params(parse_qs(params_of(request, page=2)))
    assert again == SearchRequest(
        text="Iraq war",
        sources=("demo",),
        date_from=date(2016, 1, 1),
        collapse=False,
        offset=10,
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": ["2016-13-01"]}, "from: not a date (YYYY-MM-DD): '2016-13-01'"),
        ({"page": ["two"]}, "page: not a whole number: 'two'"),
        ({"page": ["0"]}, "page: must be between 1 and 10000, not 0"),
        ({"size": ["1000"]}, "size: must be between 0 and 100, not 1000"),
        ({"sort": ["random"]}, "sort: must be one of relevance, date, date_asc"),
        ({"collapse": ["maybe"]}, "collapse: must be true or false"),
        ({"q": ["a", "b"]}, "q: give it once"),
        ({"source": ["x" * 300]}, "source: a value is longer than 256 characters"),
    ],
)
def test_bad_parameters_name_themselves(params: dict[str, list[str]], message: str) -> None:
    with pytest.raises(BadParameter) as info:
        request_from_params(params)
    assert message in str(info.value)
