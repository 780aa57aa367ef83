"""Opinion section of the fixture site: columns, editorials, letters and the seed op-ed.

Everything here is invented writing about the fictional Harbor City, except ``SEED_PARAGRAPHS``:
the six body paragraphs of the seed op-ed, kept verbatim from the project's seed file because
tests compare extracted text with them exactly.
"""

from __future__ import annotations

from datetime import datetime

from pipeline.local.fixture_site.model import (
    SITE_NAME,
    Attachment,
    FixtureArticle,
    Template,
    discovery,
    paragraphs,
)

SEED_TITLE = "Russia's Pursuit of Peace and Partnership"
SEED_PUSH_PROMPT = "Get the latest updates as we post them \u2014 right on your browser"
SEED_STAMP = ". Last Updated: 07/27/2016"

SEED_PARAGRAPHS = paragraphs(
    """
    On Sept. 6, Vladimir Putin and George W. Bush had a talk over the phone. The main topic of
    conversation was Iraq. The presidents agreed to jointly seek the unconditional return of
    inspectors to Iraq in accordance with UN Security Council resolutions mandating Iraq's
    disarmament.

    Since then, Russia has firmly adhered to this agreement. Even though Russia did not deem it
    necessary to pass another Security Council resolution regarding inspections in Iraq, it
    nevertheless took a step toward Washington and helped pass, unanimously, Resolution 1441.
    Russia seeks Iraq's full cooperation and the meeting of all demands made by the UN
    Monitoring, Verification and Inspection Commission and the International Atomic Energy
    Agency.

    Russia's position, which is shared by most members of the Security Council and by other
    states, allowed the establishment of a reliable mechanism of inspections that would be able
    to help disarm Iraq. Because of this pressure from the international community, disarmament
    is under way. In this context, the idea of an imminent war against Iraq does not appear to be
    valid. Moreover, war involves serious risks to all nations. In speaking out for a political
    solution to the Iraq situation, Russia is striving not only to overcome this particular
    crisis but also to push for continued joint efforts to solve other international problems
    that are no less acute.

    Does Russia's stance conflict with the interests of the United States, as those who seek to
    drive a wedge into Russian-American relations are trying to claim? Of course not. The
    presidents of our countries have had more than one phone conversation over the Iraq problem.
    The current scope of our relationship, which is marked by growing mutual trust and the spirit
    of cooperation, includes an open and honest dialogue over the most complex issues. If we
    believe that the war against Iraq will lead to harsh consequences, shouldn't we talk about it
    openly with our partners in Washington? If we propose to eliminate the threat of Iraqi
    weapons of mass destruction -- working together with the United States and other countries
    and using political means -- is that not true partnership?

    The value of partners and allies is not that they automatically agree with one another but
    that they search together for solutions to solve problems in common interests. We have
    irreversibly abandoned the Cold War formula: The worse things are for the United States, the
    better for us. We are convinced that striving for a political solution to the Iraqi crisis is
    in the best interests of Russia, the United States and the rest of the world. Regardless of
    what happens with Iraq, Russia hopes that Moscow and Washington will allow their actions to
    be guided by the spirit of Russian-American cooperation, which is defined in the joint
    declaration signed in May by Presidents Putin and Bush in Moscow.

    Igor Ivanov, the foreign minister, contributed this comment to The Washington Post.
    """
)

_t = datetime.fromisoformat

SEED = FixtureArticle(
    section="opinion",
    slug="russias-pursuit-of-peace-and-partnership",
    title=SEED_TITLE,
    description="A guest commentary on Iraq, inspections and Russian-American cooperation.",
    authors=("Igor Ivanov",),
    # The page states no publication time at all; the URL date and the visible stamp are all a
    # reader (or an extractor) gets. Both point at the same day.
    published=_t("2016-07-27T00:00:00-04:00"),
    updated=_t("2016-07-27T00:00:00-04:00"),
    body=SEED_PARAGRAPHS,
    template=Template.ARCHIVE,
    discovery=discovery("links sitemap"),
    kind="column",
    json_ld=False,
)

BUDGET_TABLES = FixtureArticle(
    section="opinion",
    slug="the-budget-tables-tell-a-story-the-mayors-speech-didnt",
    title="The Budget Tables Tell a Story the Mayor's Speech Didn't",
    description="Read the capital plan before you believe the applause lines.",
    authors=("Graham Whitlock",),
    published=_t("2024-05-02T06:00:00-04:00"),
    body=paragraphs(
        """
        Mayor Celia Navarro's budget address last week was full of ribbons and round numbers:
        more police officers, a new seawall, a ferry fare freeze. It is worth reading the tables
        that came with it, because they tell a different story.

        Start with the seawall. The speech promised that the city would "finally protect the Fish
        Market." The capital plan sets aside $3 million for design in the coming year and pushes
        construction money past 2027, which is another way of saying that the next two mayors
        will decide whether the wall gets built.

        Then look at inspections. The Department of Buildings gets six new inspector positions,
        which the mayor mentioned twice. What she did not mention is that the same budget leaves
        eleven existing positions unfunded, so the department ends the year with fewer
        inspectors than it has today.

        None of this is unusual. Every mayor uses the speech to sell and the tables to hedge. But
        in a year when the council has asked hard questions about the city's inspection
        [backlog](/news/2024/03/04/council-member-seeks-review-of-building-inspections/)
        and its waterfront, residents deserve to know which promises come with money attached.

        The full tables are public, and the Ledger has posted them below. They run to 40 pages.
        Read the capital plan first.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links feed sitemap"),
    kind="column",
    promoted=True,
    pull_quote="Every mayor uses the speech to sell and the tables to hedge.",
    author_bio=(
        "Graham Whitlock writes about city government and money for the Ledger's opinion pages."
    ),
    attachment=Attachment(
        path="/opinion/2024/05/02/budget-tables.pdf",
        label="Download the proposed budget tables (PDF, 40 pages)",
        content_type="application/pdf",
    ),
)

CRANE_EDITORIAL = FixtureArticle(
    section="opinion",
    slug="the-crane-inspections-should-have-started-years-ago",
    title="The Crane Inspections Should Have Started Years Ago",
    description="The Port Authority is doing the right thing. It should explain why it waited.",
    authors=("The Editorial Board",),
    published=_t("2024-03-15T07:00:00-04:00"),
    body=paragraphs(
        """
        It took a falling container and a truck driver's lucky coffee break to get the Harbor
        City Port Authority to do what its own rules already required. The authority's decision
        this week to inspect every crane at its container terminals is the right one. It is also
        years late.

        Records show that four cranes at Eastgate Terminal went without a full structural
        inspection for nearly five years. The authority blames a pandemic backlog. But the
        pandemic did not stop the cranes from working; if anything, they worked harder as cargo
        volumes climbed. Equipment that is used more needs to be examined more, not less.

        The authority should publish the results of the outside engineers' inspections, crane by
        crane, when they are finished. It should also explain how the backlog built up without
        anyone on its board noticing, and what it will do to make sure that it never happens
        again.

        Harbor City's port is an economic engine that supports thousands of jobs. The people who
        work on its wharves deserve the assurance that the machines above their heads are safe.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links feed sitemap"),
    kind="editorial",
    promoted=True,
    amp=True,
    pull_quote="Equipment that is used more needs to be examined more, not less.",
    author_bio=(
        f"Editorials represent the views of the editorial board of {SITE_NAME}, which is"
        " separate from the newsroom."
    ),
)

FERRY_LETTER = FixtureArticle(
    section="opinion",
    slug="letter-a-fare-freeze-is-welcome-but-ferries-need-to-run-on-time",
    title="Letter: A Fare Freeze Is Welcome, but Ferries Need to Run on Time",
    description="A Northside commuter says reliability matters more than price.",
    authors=("Martin Osei",),
    published=_t("2024-03-10T08:00:00-04:00"),
    body=paragraphs(
        """
        As a daily rider on the Northside ferry, I was glad to read that the City Council is
        considering a freeze on fares. But price is not the main complaint I hear on the boat
        each morning. Reliability is.

        Twice in the last month, the 7:40 a.m. sailing was canceled with no warning because of a
        crew shortage, leaving dozens of us on the dock to scramble for a bus across the bridge.
        Some of my fellow riders were late for shifts at the hospital.

        If the city is going to spend money on the ferries, it should spend some of it on hiring
        and training crews, and on a text alert system that tells riders about cancellations
        before they leave home. A cheap ride that does not show up is not a bargain.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links feed"),
    kind="letter",
    author_bio="Martin Osei lives in Northside.",
)

FLOOD_PLAN = FixtureArticle(
    section="opinion",
    slug="harbor-city-needs-a-real-flood-plan-not-another-study",
    title="Harbor City Needs a Real Flood Plan, Not Another Study",
    description="Four studies agree the seawall at the fish market is too low. Build it.",
    authors=("Marisol Vega",),
    published=_t("2024-03-05T06:30:00-05:00"),
    updated=_t("2024-03-06T09:00:00-05:00"),
    body=paragraphs(
        """
        Last week's storm surge was the third time in five years that seawater has poured into
        the streets around the Tanner Street fish market. Each time, city officials have
        promised a study. We now have four of them. What we do not have is a wall.

        The studies agree on the basics. The seawall along the market is too low, built for a
        harbor that rose about nine inches in the last century and is expected to rise at least
        that much again by 2060. The cheapest time to raise it was twenty years ago. The
        second-cheapest time is now.

        There are real trade-offs. A higher wall could cut the market off from the water that
        gives it its character, and the businesses behind it would need help staying open during
        construction. Those are reasons to design carefully, not reasons to wait.

        The council should set a deadline: a funded design by the end of this year and
        construction beginning no later than 2026. Anything less is another study dressed up as
        a plan.

        The fishmongers on Tanner Street have been bailing out their shops for a decade. They
        should not have to do it for another one.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links feed sitemap"),
    kind="column",
    promoted=True,
    printable=True,
    pull_quote="We now have four of them. What we do not have is a wall.",
    author_bio=(
        "Marisol Vega is a contributing columnist for the Ledger and a former planner with the"
        " city's Office of Emergency Management."
    ),
)

FISH_MARKET = FixtureArticle(
    section="opinion",
    slug="in-defense-of-the-fish-markets-messy-charm",
    title="In Defense of the Fish Market's Messy Charm",
    description="Fix the roofs and the drains. Leave the rest alone.",
    authors=("Ada Lindgren",),
    published=_t("2024-02-27T07:30:00-05:00"),
    body=paragraphs(
        """
        Every few years someone proposes to tidy up the Tanner Street fish market. The latest
        plan, floated at a planning board meeting this month, would replace the crooked stalls
        with a glass food hall and a row of "curated" vendors. Please, let us not.

        The market is loud, wet and occasionally smelly. It is also one of the last places in
        Harbor City where you can watch the catch come off a boat in the morning and buy it for
        dinner that night from the person who gutted it. That is not a problem to be designed
        away.

        Yes, the stalls need new roofs and the drainage needs work. Fix those. But the genius of
        the place is that nobody planned it. It grew up around what fishermen needed, and it
        still works because it still serves them.

        Food halls are everywhere. The fish market is only here.
        """
    ),
    template=Template.WORDPRESS,
    discovery=discovery("links"),
    kind="column",
    json_ld=False,
)

DOCKWORKERS_DEAL = FixtureArticle(
    section="opinion",
    slug="what-the-dockworkers-deal-gets-right-about-automation",
    title="What the Dockworkers' Deal Gets Right About Automation",
    description="The raises make headlines. The pages about machines matter more.",
    authors=("Graham Whitlock",),
    published=_t("2024-02-24T08:00:00-05:00"),
    body=paragraphs(
        """
        The tentative contract between Harbor City's longshore workers and terminal operators
        will be remembered for its raises, but the more important part is a few pages about
        machines.

        Operators wanted a free hand to bring remote-controlled cranes to Eastgate. The union
        wanted a ban. The deal does neither. It allows automation on new berths while
        guaranteeing that the workers who operate existing cranes keep their jobs, retrain for
        the new equipment, or retire with full benefits.

        That is roughly the bargain other ports have reached after strikes that cost everyone
        far more. Harbor City got there without one, which says something good about the people
        at the table.

        The deal still has to be ratified, and some members think it gives away too much. They
        are right to argue about it. But a port that keeps its workers and its customers is
        better than one that loses either.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("sitemap"),
    kind="column",
    pull_quote="The deal does neither.",
    author_bio=(
        "Graham Whitlock writes about city government and money for the Ledger's opinion pages."
    ),
)

LIBRARIES = FixtureArticle(
    section="opinion",
    slug="our-libraries-are-the-last-free-rooms-in-town",
    title="Our Libraries Are the Last Free Rooms in Town",
    description="Cutting evening hours saves little and closes a door that matters.",
    authors=("Ada Lindgren",),
    published=_t("2023-11-20T07:00:00-05:00"),
    body=paragraphs(
        """
        Think about where you can sit indoors in Harbor City for an afternoon without buying
        anything. The list is short, and it is getting shorter. Coffee shops want you to order
        every hour. Malls have closed. Churches lock their doors on weekdays. What remains,
        mostly, is the public library.

        That is why the fight over library hours in this year's budget matters more than the
        dollar amounts suggest. Cutting evening hours at the Bayview and Eastgate branches would
        save about $900,000. It would also close the only warm, quiet room many teenagers, job
        seekers and older residents have after 6 p.m.

        Libraries have quietly become the city's community centers, homework clubs and
        unemployment offices. Librarians help people file benefits claims, print boarding passes
        and find a shelter bed. None of that shows up in circulation figures.

        The council restored some hours last year after a public outcry. It should not take
        another outcry this year.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links"),
    kind="column",
    author_bio="Ada Lindgren is a writer and a volunteer literacy tutor in Bayview.",
)

WATERFRONT_EDITORIAL = FixtureArticle(
    section="opinion",
    slug="rezoning-the-waterfront-should-not-mean-selling-it",
    title="Rezoning the Waterfront Should Not Mean Selling It",
    description="Build on the Old Quay, but keep the shoreline in public hands.",
    authors=("The Editorial Board",),
    published=_t("2023-06-14T06:45:00-04:00"),
    body=paragraphs(
        """
        The city's planning department has released its first sketches for the Old Quay, the
        stretch of empty warehouse lots between Pier 4 and the Mill River. There is a lot to like
        in them: housing, a waterfront park, a new ferry landing. There is also a question the
        sketches do not answer. Who will own the waterfront when it is done?

        The quay is public land, most of it held by the Port Authority since the shipyards
        closed. The draft plan would lease much of it to private developers for 99 years. That is
        a long time to give away a shoreline.

        Other cities have kept ownership of their waterfronts while letting developers build on
        them, through ground leases that return a share of rents to the public and guarantee
        access to the water's edge. Harbor City should insist on the same.

        The waterfront should be rebuilt. It should not be sold off to pay for the rebuilding.
        """
    ),
    template=Template.STORY_BODY,
    discovery=discovery("links"),
    kind="editorial",
)

FERRY_PROMISES = FixtureArticle(
    section="opinion",
    slug="ten-years-of-ferry-promises",
    title="Ten Years of Ferry Promises",
    description="Boats every fifteen minutes were promised in 2012. Here is what happened.",
    authors=("Marisol Vega",),
    published=_t("2022-09-30T07:00:00-04:00"),
    body=paragraphs(
        """
        In the fall of 2012, a mayor stood on the Northside ferry dock and promised boats every
        fifteen minutes at rush hour within five years. Ten years later, the boats come every
        thirty minutes, when they come at all.

        I do not write this to mock the promise. It was a good one. Northside is a neighborhood
        of working families separated from the city's jobs by a river and a single, clogged
        bridge. Frequent ferries would change their lives more than almost anything else the
        city could do.

        The problem is that the promise was never paid for. The city bought two new boats and
        then never funded the crews to run them at the promised frequency. One of the boats spent
        most of 2019 tied up at the maintenance dock.

        Next month's budget hearings are a chance to fix that. Fund the crews. Publish on-time
        performance every month. And stop making promises from the ferry dock that the budget
        office has not signed.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("links"),
    kind="column",
    pull_quote="The problem is that the promise was never paid for.",
    author_bio=(
        "Marisol Vega is a contributing columnist for the Ledger and a former planner with the"
        " city's Office of Emergency Management."
    ),
)

STOPPED_DRIVING = FixtureArticle(
    section="opinion",
    slug="why-i-stopped-driving-to-work",
    title="Why I Stopped Driving to Work",
    description="Eleven years behind the wheel, and what changed when I sold the car.",
    authors=("Ada Lindgren",),
    published=_t("2021-04-08T07:00:00-04:00"),
    body=paragraphs(
        """
        For eleven years I drove from Bayview to my office downtown. It took twenty-five minutes
        on a good day and fifty on a bad one, and the bad days were getting more common. Last
        fall I sold the car.

        I now take the number 12 bus to the Old Quay and walk the last ten minutes along the
        water. It takes about the same time as driving did, costs a fraction as much, and I
        arrive having seen the harbor instead of the bumper of the car in front of me.

        I know this does not work for everyone. Parents with daycare runs, people who work night
        shifts and those who live far from a bus line have real reasons to drive. But more of us
        could switch than do, and every driver who does makes the bridge a little easier for
        those who cannot.

        The city can help by making the switch easier: more frequent buses, safe bike lanes on
        Harbor Boulevard and shelters that actually keep the rain off.

        The harbor looks better from the sidewalk anyway.
        """
    ),
    template=Template.WORDPRESS,
    discovery=discovery("links"),
    kind="column",
    json_ld=False,
)

PORT_AUTOMATION = FixtureArticle(
    section="opinion",
    slug="the-ports-quiet-revolution-in-automation",
    title="The Port's Quiet Revolution in Automation",
    description="Software already runs Eastgate Terminal. The cranes may be next.",
    authors=("Graham Whitlock",),
    published=_t("2019-01-15T08:00:00-05:00"),
    body=paragraphs(
        """
        Walk along the fence at Eastgate Terminal and you might not notice anything new. The
        cranes look the same. The trucks still line up at the gate. But inside the terminal's
        offices, software now decides where each container goes, which crane lifts it and when a
        truck is called to pick it up.

        The change has been gradual and largely invisible, and it has already transformed the
        work. Clerks who once tracked containers on clipboards now monitor screens. Yard drivers
        follow instructions sent to tablets in their cabs.

        So far the new systems have made the terminal faster without cutting many jobs, because
        cargo volumes have grown. That will not always be true. The next step, remote-controlled
        cranes, could replace operators outright.

        Harbor City should be having that conversation now, before the next labor contract, not
        in the middle of it.
        """
    ),
    template=Template.MODERN,
    discovery=discovery("links sitemap"),
    kind="analysis",
)

INSPECTORS_COLUMN = FixtureArticle(
    section="opinion",
    slug="inspections-are-only-as-good-as-the-people-who-do-them",
    title="Inspections Are Only as Good as the People Who Do Them",
    description="Harbor City has rules for everything and too few inspectors to enforce them.",
    authors=("Marisol Vega",),
    published=_t("2023-12-05T07:00:00-05:00"),
    body=paragraphs(
        """
        Harbor City has a rule for almost everything: how often elevators are checked, how deep
        a pier's pilings are examined, how many sprinkler heads a warehouse needs. What it does
        not have is enough people to enforce those rules.

        The Department of Buildings has lost nearly a third of its inspectors over the last
        decade. Those who remain are asked to cover more sites, with less time at each one. The
        result is a system that looks rigorous on paper and is, in practice, a lottery.

        The fix is not glamorous. Pay inspectors enough to keep them from leaving for private
        firms. Fund training. Give them software that tells them which buildings are most likely
        to have problems, instead of working through a list in order.

        We ask inspectors to notice the crack before it becomes a collapse. We should give them
        the time to do it.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("sitemap"),
    kind="column",
    pull_quote="In practice, a lottery.",
    author_bio=(
        "Marisol Vega is a contributing columnist for the Ledger and a former planner with the"
        " city's Office of Emergency Management."
    ),
)

HEARING_LETTER = FixtureArticle(
    section="opinion",
    slug="letter-the-rezoning-hearing-showed-local-democracy-still-works",
    title="Letter: The Rezoning Hearing Showed Local Democracy Still Works",
    description="Five hours in an overflow room, and no regrets.",
    authors=("Beatriz Coelho",),
    published=_t("2024-03-20T09:00:00-04:00"),
    body=paragraphs(
        """
        I spent five hours at Monday's City Council hearing on the Old Quay rezoning, most of it
        standing in the basement overflow room. I did not agree with half the speakers. I have
        never been prouder of this city.

        Retirees, construction workers, students and shop owners waited their turn and spoke
        their minds, and the council members stayed until the last of them had finished. That is
        what local democracy is supposed to look like, and it is rarer than it should be.

        Whatever the council decides in April, I hope it remembers that room full of people, and
        I hope more of them come back.
        """
    ),
    template=Template.COLUMN,
    discovery=discovery("feed"),
    kind="letter",
    feed_tracking=True,
    author_bio="Beatriz Coelho lives in Bayview.",
)

OPINION_ARTICLES: tuple[FixtureArticle, ...] = (
    BUDGET_TABLES,
    HEARING_LETTER,
    CRANE_EDITORIAL,
    FERRY_LETTER,
    FLOOD_PLAN,
    FISH_MARKET,
    DOCKWORKERS_DEAL,
    INSPECTORS_COLUMN,
    LIBRARIES,
    WATERFRONT_EDITORIAL,
    FERRY_PROMISES,
    STOPPED_DRIVING,
    PORT_AUTOMATION,
    SEED,
)
