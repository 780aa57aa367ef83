"""News section of the fixture site: invented local reporting from the fictional Harbor City.

Many stories share themes (port inspections, the city council, the waterfront) on purpose, so
that search tests have several relevant documents to rank rather than exactly one.
"""

from __future__ import annotations

from datetime import datetime

from pipeline.local.fixture_site.model import (
    Attachment,
    FixtureArticle,
    Template,
    discovery,
    paragraphs,
)

_t = datetime.fromisoformat

REZONING_HEARING = FixtureArticle(
    section="news",
    slug="council-delays-vote-on-waterfront-rezoning-after-packed-hearing",
    title="Council Delays Vote on Waterfront Rezoning After Packed Hearing",
    description=(
        "More than five hours of testimony on the Old Quay plan left council members asking"
        " planners for changes."
    ),
    authors=("Jane Doe",),
    published=_t("2024-03-18T23:40:00-04:00"),
    updated=_t("2024-03-19T09:15:00-04:00"),
    body=paragraphs(
        """
        The Harbor City Council postponed a vote on the proposed rezoning of the Old Quay
        waterfront late Monday after a public hearing that ran for more than five hours and drew
        so many residents that fire officials closed the doors of the council chamber and opened
        an overflow room in the basement.

        The plan would allow buildings of up to 14 stories on six blocks of former warehouse land
        between Pier 4 and the Mill River, and would require developers to set aside 15 percent
        of new apartments for households earning below the area's median income. Supporters say
        it would bring thousands of homes to a part of the city that has been mostly parking lots
        for two decades.

        Opponents, many of them longtime residents of the neighboring Bayview district, told
        council members that the towers would block views of the harbor, strain an aging sewer
        line and push up rents in the streets around the quay. "Nobody here is against housing,"
        said Rosa Kettleman, who has lived on Chandler Street for 41 years. "We are against a
        plan that was written for the people who will never have to live next to it."

        Council President Ray Dunmore said the delay would give the planning department time to
        answer questions raised at the hearing, including whether the city's environmental review
        adequately considered flooding. A revised proposal is expected in April.

        Council Member Alicia Grant, whose district includes the quay, said she had asked
        planners to study lowering the height limit along the water's edge. "If we get this
        wrong, we live with it for fifty years," she said.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links feed sitemap"),
    promoted=True,
    amp=True,
)

CRANE_INSPECTIONS = FixtureArticle(
    section="news",
    slug="port-authority-orders-safety-inspections-of-all-harbor-cranes",
    title="Port Authority Orders Safety Inspections of All Harbor Cranes",
    description=(
        "The order follows an accident at Eastgate Terminal in which a container fell onto a"
        " parked truck."
    ),
    authors=("Omar Haddad", "Jane Doe"),
    published=_t("2024-03-14T08:30:00-04:00"),
    updated=_t("2024-03-14T16:05:00-04:00"),
    body=paragraphs(
        """
        The Harbor City Port Authority on Thursday ordered immediate safety inspections of all 23
        ship-to-shore cranes at its three container terminals, two days after a cable on a crane
        at Eastgate Terminal snapped and dropped an empty container onto a parked truck.

        No one was hurt in Tuesday's accident, but the driver of the truck had stepped out of his
        cab less than a minute before the container fell, according to a terminal supervisor who
        spoke on the condition of anonymity because he was not authorized to discuss the
        incident.

        The inspections will be carried out by an outside engineering firm and are expected to
        take about three weeks. Cranes will be taken out of service one at a time, which port
        officials said could slow the unloading of some vessels but would not close any berth.

        "We are not going to wait for a report to tell us what we already suspect, which is that
        some of this equipment is overdue for a close look," said Leonard Achebe, the
        authority's executive director, at a news conference on the Eastgate wharf.

        Records obtained by the Ledger show that four of the cranes at Eastgate have not had a
        full structural inspection since 2019, although they received routine maintenance
        checks. The authority said the lapse was caused by a backlog that built up during the
        pandemic.

        The International Longshore Workers' local that represents crane operators said it
        welcomed the inspections but wanted its own members present when they take place.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links feed sitemap"),
    promoted=True,
    amp=True,
    figure_caption=(
        "Cranes at Eastgate Terminal on Thursday. The authority says each will be out of service"
        " for about a day. (Kenji Mori / The Harbor City Ledger)"
    ),
    attachment=Attachment(
        path="/news/2024/03/14/crane-inspection-schedule.csv",
        label="Download the inspection schedule (CSV)",
        content_type="text/csv; charset=utf-8",
    ),
)

FIRE_MARSHAL = FixtureArticle(
    section="news",
    slug="fire-marshal-steps-up-inspections-of-converted-warehouses",
    title="Fire Marshal Steps Up Inspections of Converted Warehouses",
    description="Inspectors found serious violations in seven of 12 buildings used as studios.",
    authors=("Tomasz Wilk", "Jane Doe"),
    published=_t("2024-03-16T11:20:00-04:00"),
    body=paragraphs(
        """
        The Harbor City fire marshal's office will conduct surprise inspections of converted
        warehouses in the industrial district east of the Mill River, after finding that several
        buildings being used as artist studios and rehearsal spaces lacked working sprinklers.

        Fire Marshal Gordon Pike said inspectors had visited 12 such buildings since January and
        found serious violations in seven, including blocked exits and extension cords run
        through walls.

        "Nobody wants to push artists out of the only spaces they can afford," Mr. Pike said.
        "But we have seen what happens in other cities when a building like this catches fire at
        night, and we are not going to let that happen here."

        Building owners will be given 30 days to correct violations before fines are issued. The
        city's cultural affairs office said it would help tenants find temporary space if a
        building had to be closed.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("feed"),
)

FERRY_FARES = FixtureArticle(
    section="news",
    slug="city-council-approves-ferry-fare-freeze-through-2025",
    title="City Council Approves Ferry Fare Freeze Through 2025",
    description="Parking revenue will cover the gap as fuel and insurance costs rise.",
    authors=("Priya Raman",),
    published=_t("2024-03-12T18:15:00-04:00"),
    updated=_t("2024-03-13T10:05:00-04:00"),
    body=paragraphs(
        """
        Riders on Harbor City's three ferry routes will pay the same fares through the end of
        next year after the City Council voted 9 to 2 on Tuesday to freeze prices and cover the
        gap with money from the city's parking revenue fund.

        A single ride between the Old Quay and Northside will stay at $2.75, and the monthly pass
        will remain $68. The ferry service had proposed raising both by about 12 percent to cope
        with rising fuel and insurance costs.

        "For a lot of families in Northside, the boat is not a scenic option, it is the
        commute," said Council Member Victor Szabo, who sponsored the measure. "Raising fares now
        would have pushed people back into cars on a bridge that is already jammed."

        The two council members who voted no argued that the freeze only postpones a difficult
        decision. The ferry service's operating deficit is projected to reach $4.1 million next
        year, according to the city's budget office.

        Ferry managers said they would use the time to apply for state transit grants and to
        study whether an evening express between the Old Quay and the airport ferry dock could
        attract new riders.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("links feed sitemap"),
    promoted=True,
    printable=True,
)

PIER_9 = FixtureArticle(
    section="news",
    slug="inspectors-find-corroded-supports-under-pier-9-boardwalk",
    title="Inspectors Find Corroded Supports Under Pier 9 Boardwalk",
    description="A 200-foot section of the boardwalk is closed until temporary bracing is in.",
    authors=("Omar Haddad",),
    published=_t("2024-03-11T11:00:00-04:00"),
    body=paragraphs(
        """
        City building inspectors have found serious corrosion in the steel supports beneath the
        Pier 9 boardwalk, one of the most visited stretches of Harbor City's waterfront, and have
        closed a 200-foot section to pedestrians until repairs can be made.

        The problem was discovered during a routine underwater inspection last month, according
        to a report released by the Department of Buildings on Monday. Divers found that several
        supports had lost more than a third of their original thickness near the waterline.

        "The boardwalk is not in danger of collapse today, but we are not willing to wait and
        see," said the city's chief engineer, Mariana Kowalczyk. She said temporary bracing would
        be installed within a month.

        Shop owners along the pier said the closure had already cut foot traffic. "March is
        supposed to be when people start coming back," said Dev Anand, who runs a coffee kiosk
        near the closed section.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("sitemap"),
)

EVENING_BUSES = FixtureArticle(
    section="news",
    slug="harbor-city-schools-to-add-evening-bus-routes",
    title="Harbor City Schools to Add Evening Bus Routes",
    description="Students who stay late for sports and clubs will get a free ride home.",
    authors=("Luc\u00eda Ferreira",),
    published=_t("2024-03-08T07:00:00-05:00"),
    body=paragraphs(
        """
        The Harbor City school district will add four evening bus routes next fall so that high
        school students who stay late for sports, tutoring and clubs have a way home, the school
        board decided Thursday night.

        The routes will leave the district's five high schools at 5:45 p.m. and stop at the main
        transit hubs in Northside, Bayview, Eastgate and the Mill River neighborhoods. Students
        will ride free with their school ID.

        Superintendent Carla Mendes said the change responded to a survey in which nearly a third
        of students said they had skipped an after-school activity because they could not get
        home safely. "A club should not be a privilege for kids whose parents have cars," she
        said.

        The district expects the routes to cost about $620,000 a year, paid from a state grant
        for extended learning.
        """
    ),
    template=Template.WORDPRESS,
    discovery=discovery("links"),
    json_ld=False,
)

CONTAINER_VOLUMES = FixtureArticle(
    section="news",
    slug="container-volumes-at-eastgate-terminal-hit-four-year-high",
    title="Container Volumes at Eastgate Terminal Hit Four-Year High",
    description="New services from Southeast Asia drove an 18 percent jump in February.",
    authors=("Daniel Okafor",),
    published=_t("2024-03-06T14:20:00-05:00"),
    body=paragraphs(
        """
        The number of shipping containers handled at Harbor City's Eastgate Terminal rose to its
        highest level in four years in February, according to figures released Wednesday by the
        Port Authority.

        The terminal moved 61,400 twenty-foot equivalent units last month, up 18 percent from
        February of last year. Port officials credited two new weekly services from Southeast
        Asia and a shift of cargo away from congested ports farther south.

        The surge has been welcomed by trucking companies and warehouse operators in the
        industrial district east of the Mill River, but it has also lengthened the lines of
        trucks waiting to enter the terminal. Drivers reported waits of up to three hours on
        some days last week.

        The authority said it planned to extend gate hours into the evening starting in April
        and was testing an appointment system meant to spread truck arrivals more evenly through
        the day.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("feed"),
)

INSPECTION_REVIEW = FixtureArticle(
    section="news",
    slug="council-member-seeks-review-of-building-inspections",
    title="Council Member Proposes Independent Review of Building Inspections",
    description="A backlog of 1,800 pending inspections prompts a call for an audit.",
    authors=("Jane Doe",),
    published=_t("2024-03-04T17:45:00-05:00"),
    body=paragraphs(
        """
        A Harbor City Council member on Monday called for an independent review of the city's
        building inspection office, saying that a partial ceiling collapse at a Northside
        apartment building last fall and a backlog of more than 1,800 pending inspections showed
        that the office had been stretched too thin for years.

        Council Member Alicia Grant introduced a resolution asking the city auditor to examine
        staffing, training and the way inspections are scheduled. The department has 31
        inspectors, down from 44 a decade ago, while the number of construction permits issued
        each year has nearly doubled.

        "Every one of those inspectors is doing the work of two people," Ms. Grant said. "That is
        not a criticism of them. It is a criticism of us, because we wrote the budgets."

        The Department of Buildings said in a statement that it welcomed "any review that helps
        us get the resources we need" and that it had begun hiring six new inspectors this year.

        The resolution will be taken up by the council's oversight committee later this month.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links feed"),
    promoted=True,
)

STORM_SURGE = FixtureArticle(
    section="news",
    slug="storm-surge-floods-low-lying-streets-near-the-fish-market",
    title="Storm Surge Floods Low-Lying Streets Near the Fish Market",
    description="The harbor tide gauge recorded its third-highest reading since 1921.",
    authors=("Hannah Brooks", "Tomasz Wilk"),
    published=_t("2024-02-28T06:50:00-05:00"),
    updated=_t("2024-02-28T13:30:00-05:00"),
    body=paragraphs(
        """
        A powerful late-winter storm pushed seawater over the seawall near the Tanner Street fish
        market before dawn on Wednesday, flooding several blocks of the waterfront with up to two
        feet of water and stranding cars that had been parked overnight.

        The National Weather Service said the tide at the harbor gauge peaked at 4.3 feet above
        normal high tide shortly after 4 a.m., the third-highest reading since records began in
        1921.

        Fishmongers arrived to find their loading docks underwater. "We lost the ice machine and
        probably the walk-in cooler," said Bernadette Fahey, whose family has sold fish on Tanner
        Street since 1958. "We'll be open Friday if I have to sell out of the back of a truck."

        City crews pumped out the worst-hit streets by midmorning, and the Department of
        Transportation reopened Harbor Boulevard at noon. No injuries were reported.

        The storm renewed calls for the city to raise the seawall along the market, a project
        that was first proposed in 2012 and has yet to receive full funding.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("feed sitemap"),
)

RESTAURANT_GRADES = FixtureArticle(
    section="news",
    slug="restaurant-inspection-scores-to-be-posted-online-city-says",
    title="Restaurant Inspection Scores to Be Posted Online, City Says",
    description="Letter grades and full reports will be public starting in May.",
    authors=("Tomasz Wilk",),
    published=_t("2024-02-26T10:00:00-05:00"),
    body=paragraphs(
        """
        Harbor City will begin publishing the results of restaurant health inspections on a
        public website in May, the Health Department announced Monday, ending a system in which
        diners could learn about violations only by filing a records request.

        Each restaurant will receive a letter grade after every inspection, and the full report,
        including any violations, will be posted within ten days. Restaurants will also be
        required to display the grade in a front window.

        The Harbor City Restaurant Association said it supported the change in principle but
        worried that a single bad inspection could follow a small business for months. The Health
        Department said restaurants could request a reinspection within two weeks of a poor
        grade.

        Similar grading systems in other cities have been credited with modest improvements in
        kitchen hygiene, according to studies cited by the department.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("sitemap"),
)

LONGSHORE_DEAL = FixtureArticle(
    section="news",
    slug="longshore-workers-and-terminal-operators-reach-tentative-deal",
    title="Longshore Workers and Terminal Operators Reach Tentative Deal",
    description="A five-year contract would raise wages and limit automation at Eastgate.",
    authors=("Daniel Okafor", "Omar Haddad"),
    published=_t("2024-02-22T21:10:00-05:00"),
    body=paragraphs(
        """
        The union representing about 1,300 longshore workers at the Port of Harbor City reached a
        tentative agreement with terminal operators late Thursday, ending months of talks that
        had raised fears of a slowdown at the city's busiest docks.

        The five-year contract would raise wages by 21 percent over its term and includes new
        limits on the use of automated equipment at Eastgate Terminal, according to a summary
        released by the union. Members are expected to vote on the deal within three weeks.

        "This agreement protects the jobs that built this waterfront while letting the port
        grow," said Frank DeLuca, president of the local. The Harbor City Terminal Operators
        Association called the deal "fair and forward-looking."

        Negotiations had stalled in January over automation, with operators arguing that
        remote-controlled cranes were needed to stay competitive and the union insisting on
        guarantees that no current jobs would be eliminated.
        """
    ),
    template=Template.WORDPRESS,
    discovery=discovery("feed"),
    json_ld=False,
    feed_tracking=True,
)

LIBRARY_REOPENS = FixtureArticle(
    section="news",
    slug="northside-library-branch-reopens-after-two-year-renovation",
    title="Northside Library Branch Reopens After Two-Year Renovation",
    description="A children's wing, a recording studio and a rooftop terrace over the river.",
    authors=("Luc\u00eda Ferreira",),
    published=_t("2024-02-19T09:00:00-05:00"),
    body=paragraphs(
        """
        The Northside branch of the Harbor City Public Library reopened Saturday after a two-year
        renovation that added a children's wing, a recording studio and a rooftop reading terrace
        overlooking the Mill River.

        Hundreds of residents lined up before the doors opened at 10 a.m., and by early afternoon
        the branch had issued more than 400 new library cards, according to the library's
        director, Simone Adeyemi.

        The $14 million project was paid for by a city bond approved by voters in 2019 and by a
        gift from the family of the late shipping executive Harold Lindqvist, whose name is now
        on the children's wing.

        "People kept asking whether libraries still matter," Ms. Adeyemi said as children crowded
        around a story time on the second floor. "Look around. This is the answer."
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links sitemap"),
    json_ld=False,
    promoted=True,
)

DREDGING_DELAY = FixtureArticle(
    section="news",
    slug="dredging-of-the-main-channel-delayed-by-permit-dispute",
    title="Dredging of the Main Channel Delayed by Permit Dispute",
    description="The port and state regulators disagree over where the sediment should go.",
    authors=("Omar Haddad",),
    published=_t("2024-02-15T12:30:00-05:00"),
    body=paragraphs(
        """
        A long-planned project to deepen Harbor City's main shipping channel has been delayed by
        at least six months because of a dispute between the Port Authority and state
        environmental regulators over where to dump the dredged material.

        The port wants to deepen the channel from 42 to 47 feet so that it can receive the
        largest container ships now in service. The work would remove about 3.2 million cubic
        yards of sediment from the harbor floor.

        State regulators have rejected the port's plan to place much of that sediment at an
        offshore site, saying tests found elevated levels of heavy metals in samples taken near
        the old shipyards. The port has disputed the testing methods.

        "We are confident that the science supports our plan, and we will keep working with the
        state to resolve this," a port spokeswoman, Keisha Morland, said in a statement.

        Shipping lines have warned that without the deeper channel, some of the largest vessels
        calling at Harbor City will have to arrive partly loaded or wait for high tide.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("links feed sitemap"),
    promoted=True,
)

NIGHT_PATROL = FixtureArticle(
    section="news",
    slug="harbor-police-add-night-patrol-boat-after-rise-in-marina-thefts",
    title="Harbor Police Add Night Patrol Boat After Rise in Marina Thefts",
    description="Thefts of outboard motors and electronics more than doubled last year.",
    authors=("Tomasz Wilk",),
    published=_t("2024-02-12T16:00:00-05:00"),
    body=paragraphs(
        """
        The Harbor City Police Department's marine unit will begin nightly boat patrols of the
        city's three public marinas this month after a sharp rise in thefts of outboard motors
        and electronics from docked boats.

        Police recorded 47 marina thefts last year, compared with 19 the year before. Most took
        place between midnight and 5 a.m. at the Bayview and Mill River marinas, according to
        department figures.

        The new patrol boat, a 27-foot aluminum vessel bought with a federal port security grant,
        will carry two officers and a thermal camera. Capt. Ines Moreau, who leads the marine
        unit, said the patrols would also help respond faster to people who fall into the water
        at night.

        Boat owners at the Bayview marina said they were relieved but would keep the locks and
        alarms many of them installed last summer.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("sitemap"),
)

NEWS_ARTICLES: tuple[FixtureArticle, ...] = (
    REZONING_HEARING,
    FIRE_MARSHAL,
    CRANE_INSPECTIONS,
    FERRY_FARES,
    PIER_9,
    EVENING_BUSES,
    CONTAINER_VOLUMES,
    INSPECTION_REVIEW,
    STORM_SURGE,
    RESTAURANT_GRADES,
    LONGSHORE_DEAL,
    LIBRARY_REOPENS,
    DREDGING_DELAY,
    NIGHT_PATROL,
)
