"""World section of the fixture site, including the Russian-language page served in cp1251.

The Russian article is original text written for this fixture (a fictional port, Severogorsk,
twinned with Harbor City). It exists to exercise charset handling end to end: its bytes are
encoded in windows-1251 and announced both in the HTTP header and in a meta tag.
"""

from __future__ import annotations

from datetime import datetime

from pipeline.local.fixture_site.model import (
    Comment,
    FixtureArticle,
    Template,
    discovery,
    paragraphs,
)

_t = datetime.fromisoformat

SEVEROGORSK_INSPECTION = FixtureArticle(
    section="world",
    slug="severogorsk-port-inspection",
    title="В порту Северогорска завершили проверку причалов",
    description="Комиссия нашла трещины и коррозию на четырёх из двадцати шести причалов.",
    authors=("Анна Соколова",),
    published=_t("2024-02-10T12:00:00+03:00"),
    body=paragraphs(
        """
        В порту Северогорска завершилась масштабная проверка причальных сооружений, которая
        продолжалась почти три месяца. Комиссия осмотрела все двадцать шесть причалов грузового
        и пассажирского районов порта.

        По словам руководителя комиссии Виктора Лаптева, большинство сооружений находится в
        удовлетворительном состоянии, однако на четырёх причалах обнаружены трещины в бетонных
        конструкциях и коррозия металлических свай. «Эти причалы мы рекомендуем закрыть для
        тяжёлых судов до окончания ремонта», — сказал он.

        Администрация порта заявила, что ремонт начнётся весной и займёт около полутора лет.
        Стоимость работ предварительно оценивается в 1,2 миллиарда рублей. Часть средств
        планируется получить из федерального бюджета.

        Проверку назначили после того, как в ноябре прошлого года у одного из причалов просел
        участок причальной стенки. Тогда никто не пострадал, но движение погрузчиков на этом
        участке пришлось остановить на несколько недель.

        Представители Харбор-Сити, порта-побратима Северогорска, предложили поделиться опытом
        подводных обследований свай, который город накопил за последние годы.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links sitemap"),
    language="ru",
    encoding="windows-1251",
)

SISTER_PORT = FixtureArticle(
    section="world",
    slug="harbor-city-and-sister-port-severogorsk-renew-cooperation-pact",
    title="Harbor City and Sister Port Severogorsk Renew Cooperation Pact",
    description="Pilots will keep training together, and the ports will share ice data.",
    authors=("Kenji Mori",),
    published=_t("2024-03-02T09:30:00-05:00"),
    body=paragraphs(
        """
        Harbor City and the Russian port of Severogorsk renewed a decades-old sister-port
        agreement on Friday, pledging to exchange harbor pilots for training and to share data on
        ice conditions and ship traffic.

        The agreement was signed by video link because a planned visit by a delegation from
        Severogorsk was canceled last month. Officials on both sides described the pact as a
        practical arrangement between two working harbors rather than a political statement.

        "Ice does not care about diplomacy," said Leonard Achebe, executive director of the
        Harbor City Port Authority. "Our pilots learn things from their pilots every winter, and
        that keeps ships and crews safe."

        The Ledger's Russian-language service reported last month on a major
        [inspection of Severogorsk's wharves](/world/2024/02/10/severogorsk-port-inspection/),
        which found that four berths needed urgent repairs. Harbor City engineers have offered to
        share what they have learned from their own underwater surveys.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links feed"),
    promoted=True,
)

CANAL_FEES = FixtureArticle(
    section="world",
    slug="canal-authority-raises-transit-fees-for-the-largest-ships",
    title="Canal Authority Raises Transit Fees for the Largest Ships",
    description="Analysts say the increase could push some cargo toward Harbor City.",
    authors=("Daniel Okafor",),
    published=_t("2024-02-20T07:15:00-05:00"),
    body=paragraphs(
        """
        The authority that operates the Isthmian Ship Canal said Tuesday it would raise transit
        fees for the largest container ships by as much as 20 percent starting in July, a move
        that shipping analysts said could push some cargo toward ports on the eastern seaboard,
        including Harbor City.

        The increase applies to vessels wider than 49 meters, which make up a growing share of
        global container traffic. The authority said the money would pay for new locks and for
        reservoirs to guard against the droughts that limited traffic last year.

        Shipping lines have complained that repeated fee increases and draft restrictions make
        the canal less reliable. "Every time the rules change, we redraw our networks," said
        Annika Solberg, an analyst at a maritime consulting firm.

        Harbor City port officials said it was too early to predict the effect on local cargo
        volumes but noted that the deeper channel they hope to dredge would make the port a
        stronger alternative.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("links sitemap"),
)

WORLD_ARTICLES: tuple[FixtureArticle, ...] = (SISTER_PORT, CANAL_FEES, SEVEROGORSK_INSPECTION)

RUSSIAN_COMMENTS: tuple[Comment, ...] = (
    Comment(
        "Мария К.",
        "Хорошо, что проверку наконец провели. Причалы давно просили ремонта.",
        "3 часа назад",
    ),
    Comment(
        "Сергей_П", "Интересно, успеют ли отремонтировать причалы до начала навигации?", "вчера"
    ),
)
