"""Who takes part, read from the copy with SQL: distinct learner accounts, each with what it will do; the SCORM
learners who study beside the journey are accounts of their own (no journey uses them)."""

from __future__ import annotations

import random

from common import die

BOOKING_ACTIVE = ("head_review", "requested", "approved", "offered", "attended", "completed", "waitlisted")


def overlaps(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1] and a[2] < b[3] and b[2] < a[3]


def pick_learners(conn, args, domain: str, rng: random.Random, seconds_ahead: int) -> dict:
    """Who takes part, from the copy: distinct learner accounts, each with what it will do."""
    root = conn.execute("SELECT p.url_path FROM wagtailcore_site s JOIN wagtailcore_page p ON p.id = s.root_page_id "
                        "ORDER BY s.is_default_site DESC LIMIT 1").fetchone()[0]

    def url(path: str) -> str:
        return "/" + path[len(root):] if path.startswith(root) else path

    catalogue = conn.execute("SELECT p.url_path FROM wagtailcore_page p JOIN courses_programmepage x "
                             "ON x.page_ptr_id = p.id WHERE p.live ORDER BY p.path LIMIT 1").fetchone()
    if catalogue is None:
        die("No programme page in the dataset: is it a seed_load dataset?")
    courses = {row[0]: {"path": row[1], "url": url(row[2]), "lessons": [], "quiz": None}
               for row in conn.execute("SELECT p.id, p.path, p.url_path FROM wagtailcore_page p JOIN "
                                       "courses_coursepage c ON c.page_ptr_id = p.id WHERE p.live")}
    by_path = {course["path"]: pk for pk, course in courses.items()}
    lengths = sorted({len(path) for path in by_path})

    def course_of(path: str):
        for length in lengths:
            if path[:length] in by_path:
                return by_path[path[:length]]
        return None

    for pk, path, url_path in conn.execute("SELECT p.id, p.path, p.url_path FROM wagtailcore_page p JOIN "
                                           "courses_lessonpage l ON l.page_ptr_id = p.id WHERE p.live "
                                           "ORDER BY p.path"):
        if (course := course_of(path)) is not None:
            courses[course]["lessons"].append((pk, url(url_path)))
    for pk, path, url_path, allowed in conn.execute(
            "SELECT p.id, p.path, p.url_path, q.attempts_allowed FROM wagtailcore_page p JOIN courses_quizpage q "
            "ON q.page_ptr_id = p.id WHERE p.live ORDER BY p.path"):
        course = course_of(path)
        if course is not None and courses[course]["quiz"] is None:
            courses[course]["quiz"] = {"id": pk, "url": url(url_path), "allowed": allowed}

    # Learners only: load accounts with a verified address, in no group but the learners' one.
    learners_group = conn.execute(
        "SELECT ug.group_id FROM accounts_user_groups ug JOIN accounts_user u ON u.id = ug.user_id "
        "WHERE u.email LIKE %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", [f"staff%@{domain}"]).fetchone()[0]
    people = dict(conn.execute(
        "SELECT u.id, u.email FROM accounts_user u WHERE u.email LIKE %s AND u.is_active AND NOT u.is_staff "
        "AND NOT u.is_superuser AND EXISTS (SELECT 1 FROM account_emailaddress a WHERE a.user_id = u.id "
        "AND a.verified) AND NOT EXISTS (SELECT 1 FROM accounts_user_groups g WHERE g.user_id = u.id "
        "AND g.group_id <> %s) ORDER BY u.id", [f"staff%@{domain}", learners_group]).fetchall())
    enrolments: dict[int, list[tuple[int, int, str]]] = {}
    for pk, user, course, status in conn.execute(
            "SELECT id, user_id, course_id, status FROM courses_enrolment WHERE status IN ('active', 'completed')"):
        enrolments.setdefault(user, []).append((pk, course, status))
    done = {pk: set(lessons) for pk, lessons in conn.execute(
        "SELECT enrolment_id, array_agg(lesson_id) FROM courses_lessoncompletion GROUP BY 1")}
    attempts = {(user, quiz): (count, open_) for user, quiz, count, open_ in conn.execute(
        "SELECT user_id, quiz_id, count(*), bool_or(status = 'in_progress') FROM courses_attempt GROUP BY 1, 2")}
    certificates = conn.execute("SELECT code, number FROM certificates_certificate WHERE status = 'valid'").fetchall()
    if not certificates:
        die("No valid certificate in the dataset to verify.")

    def quiz_free(user: int, quiz: dict) -> bool:
        count, open_ = attempts.get((user, quiz["id"]), (0, False))
        return not open_ and (not quiz["allowed"] or count < quiz["allowed"])

    if args.scenario == "quiz-rush":
        return pick_rush(conn, args, courses, people, enrolments, attempts, quiz_free, rng, url(catalogue[0]))
    scorm = pick_scorm(conn, args, course_of, url, people, enrolments, rng)
    for account in scorm["accounts"]:  # the SCORM learners are nobody's journey
        people.pop(account["user_id"])

    busy: dict[int, list] = {}
    for user, topic, start, end, day_start, day_end, status in conn.execute(
            "SELECT b.user_id, b.topic_id, s.start_date, s.end_date, s.day_starts, s.day_ends, s.status "
            "FROM internships_booking b JOIN internships_session s ON s.id = b.session_id "
            "WHERE b.status = ANY(%s)", [list(BOOKING_ACTIVE)]):
        busy.setdefault(user, []).append((topic, (start, end, day_start, day_end), status))
    sessions = conn.execute(
        "SELECT id, topic_id, start_date, end_date, day_starts, day_ends FROM internships_session "
        "WHERE status = 'open' AND booking_deadline > now() + make_interval(secs => %s)",
        [seconds_ahead]).fetchall()
    if not sessions:
        die("No internship session open for booking in the dataset.")

    accounts = []
    for user, email in rng.sample(sorted(people.items()), len(people)):
        plans = []
        for enrolment, course_id, status in enrolments.get(user, []):
            course = courses.get(course_id)
            if status != "active" or not course or not course["quiz"] or not quiz_free(user, course["quiz"]):
                continue
            todo = [lesson for lesson in course["lessons"] if lesson[0] not in done.get(enrolment, ())]
            if todo:
                plans.append((course, todo[0]))
        if not plans:
            continue
        mine = busy.get(user, [])
        topics = {topic for topic, _, _ in mine}
        free = [s for s in sessions if s[1] not in topics
                and not any(status != "cancelled" and overlaps(s[2:6], when) for _, when, status in mine)]
        if not free:
            continue
        course, lesson = rng.choice(plans)
        session = rng.choice(free)
        code, number = rng.choice(certificates)
        accounts.append({"email": email, "course_url": course["url"], "lesson_id": lesson[0],
                         "lesson_url": lesson[1], "quiz_id": course["quiz"]["id"], "quiz_url": course["quiz"]["url"],
                         "session_id": session[0], "certificate_code": code, "certificate_number": number})
    return {"catalogue_url": url(catalogue[0]), "accounts": accounts, "eligible": len(accounts), "scorm": scorm}


def pick_scorm(conn, args, course_of, url, people, enrolments, rng) -> dict:
    """`args.scorm_users` learners, each with an active enrolment in a course that has a SCORM lesson, and that
    lesson. Learners are spread over the lessons in turn, so every SCORM lesson has about as many."""
    lessons: dict[int, list] = {}
    for pk, path, url_path in conn.execute("SELECT p.id, p.path, p.url_path FROM wagtailcore_page p JOIN "
                                           "courses_scormlessonpage s ON s.page_ptr_id = p.id WHERE p.live "
                                           "ORDER BY p.path"):
        if (course := course_of(path)) is not None:
            lessons.setdefault(course, []).append({"lesson_id": pk, "lesson_url": url(url_path)})
    wanted = getattr(args, "scorm_users", 0) or 0
    if not wanted:
        return {"users": 0, "accounts": [], "lessons": len(lessons), "eligible": 0}
    if not lessons:
        die("The dataset has no SCORM lesson: build it again with this version of `seed_load`.")
    by_course: dict[int, list[int]] = {course: [] for course in lessons}
    for user in sorted(people):
        for _, course, status in enrolments.get(user, []):
            if status == "active" and course in by_course:
                by_course[course].append(user)
    for users in by_course.values():
        rng.shuffle(users)
    eligible = len({user for users in by_course.values() for user in users})
    chosen: dict[int, dict] = {}
    queues = [(course, iter(users)) for course, users in sorted(by_course.items())]
    while len(chosen) < wanted and queues:
        course, queue = queues.pop(0)
        for user in queue:
            if user not in chosen:
                chosen[user] = {"user_id": user, "email": people[user], **lessons[course][0]}
                queues.append((course, queue))
                break
    if len(chosen) < wanted:
        die(f"Only {len(chosen)} learners are enrolled in a course with a SCORM lesson; {wanted} were asked for.")
    return {"users": wanted, "accounts": list(chosen.values()), "lessons": len(lessons), "eligible": eligible}


def pick_rush(conn, args, courses, people, enrolments, attempts, quiz_free, rng, catalogue_url) -> dict:
    """The course whose quiz most enrolled learners have not tried yet; more enrolled through SQL if needed."""
    fresh: dict[int, list[int]] = {}
    for user in people:
        for _, course_id, _ in enrolments.get(user, []):
            quiz = courses.get(course_id, {}).get("quiz")
            if quiz and (user, quiz["id"]) not in attempts:
                fresh.setdefault(course_id, []).append(user)
    course_id = max(courses, key=lambda pk: (len(fresh.get(pk, [])), -pk) if courses[pk]["quiz"] else (-1, 0))
    course, quiz = courses[course_id], courses[course_id]["quiz"]
    chosen = list(fresh.get(course_id, []))
    rng.shuffle(chosen)
    if len(chosen) < args.users:  # those who tried but have attempts left
        enrolled = {user for user in people for _, c, _ in enrolments.get(user, []) if c == course_id}
        more = sorted(u for u in enrolled if u not in set(chosen) and quiz_free(u, quiz))
        chosen += rng.sample(more, min(len(more), args.users - len(chosen)))
    enrolled_now = 0
    if len(chosen) < args.users:  # enrol more learners, in the copy only, as an administrator's enrolment would
        others = sorted(u for u in people if all(c != course_id for _, c, _ in enrolments.get(u, [])))
        extra = rng.sample(others, min(len(others), args.users - len(chosen)))
        with conn.transaction():
            for user in extra:
                conn.execute("INSERT INTO courses_enrolment (user_id, course_id, source, status, created_at, "
                             "decided_at, progress_percent) VALUES (%s, %s, 'admin', 'active', now(), now(), 0)",
                             [user, course_id])
        chosen += extra
        enrolled_now = len(extra)
    chosen = chosen[:args.users]
    return {"catalogue_url": catalogue_url, "accounts": [{"email": people[u]} for u in chosen],
            "eligible": len(chosen), "enrolled_by_sql": enrolled_now,
            "rush": {"users": len(chosen), "quiz_id": quiz["id"], "quiz_url": quiz["url"],
                     "course_url": course["url"], "window": args.rush_window, "fresh": len(fresh.get(course_id, []))}}
