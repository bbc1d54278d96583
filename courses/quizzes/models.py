"""The quiz models: question bank (categories, versioned questions), quiz pages with their fixed and random
questions, per-person overrides and attempts. Models of the `courses` app (imported by courses/models.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from courses.models import CoursePage
from lms.content_cache import CachedViewRestrictionsMixin


class QuestionCategory(models.Model):
    """A folder of a course's question bank («top/Раздел 1/Тема»)."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="question_categories")
    parent = models.ForeignKey("self", verbose_name=_("parent category"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "parent", "name"], name="question_category_unique"),
            models.UniqueConstraint(fields=["course", "name"], condition=models.Q(parent__isnull=True),
                                    name="question_category_unique_top"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One version of a question. Editing a question that has been answered makes a new version, so graded
    attempts keep exactly what they served; `is_current` marks the version the bank offers now."""

    class Type(models.TextChoices):
        MULTICHOICE = "multichoice", _("Multiple choice")
        TRUEFALSE = "truefalse", _("True/false")
        SHORTANSWER = "shortanswer", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")
        ESSAY = "essay", _("Essay")
        DESCRIPTION = "description", _("Description")

    class TextFormat(models.TextChoices):
        MOODLE = "moodle", "Moodle"
        HTML = "html", "HTML"
        PLAIN = "plain", _("Plain text")
        MARKDOWN = "markdown", "Markdown"

    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="questions")
    qtype = models.CharField(_("type"), max_length=16, choices=Type.choices)
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(_("question text"), blank=True)
    text_format = models.CharField(_("text format"), max_length=16, choices=TextFormat.choices,
                                   default=TextFormat.MOODLE)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # The type's own part: answers with fractions and feedback, pairs, the right value of a true/false question.
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="next_version")
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name", "pk"]
        indexes = [models.Index(fields=["category", "is_current"])]

    def __str__(self) -> str:
        return self.name


# The review options of a quiz: what may be shown (the field's middle part) at which moment (its end).
REVIEW_ITEMS = (
    ("responses", _("The learner's answers")),
    ("correctness", _("Whether correct")),
    ("score", _("Marks")),
    ("feedback", _("Specific feedback")),
    ("general_feedback", _("General feedback")),
    ("answers", _("Right answers")),
    ("overall_feedback", _("Overall feedback")),
)
REVIEW_MOMENTS = (
    ("after_submit", _("Review right after the attempt")),
    ("later", _("Review later, while the quiz is open")),
    ("after_close", _("Review after the quiz closes")),
)


class QuizPage(CachedViewRestrictionsMixin, Page):
    """A quiz in a course: fixed questions and/or random draws from the course's bank, with Moodle's settings."""

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest grade")
        LAST = "last", _("Last attempt")
        AVERAGE = "average", _("Average grade")
        FIRST = "first", _("First attempt")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    pass_percent = models.PositiveSmallIntegerField(_("pass mark, %"), default=60,
                                                    validators=[MinValueValidator(0)])
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit, minutes"), null=True, blank=True,
                                                          validators=[MinValueValidator(1)])
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=0,
                                                        help_text=_("0 means unlimited."))
    attempt_delay_minutes = models.PositiveSmallIntegerField(_("delay between attempts, minutes"), default=0)
    grading_method = models.CharField(_("grading method"), max_length=16, choices=Grading.choices,
                                      default=Grading.HIGHEST)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    questions_per_page = models.PositiveSmallIntegerField(_("questions per page"), default=5,
                                                          validators=[MinValueValidator(1)])
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    is_required = models.BooleanField(_("required"), default=True,
                                      help_text=_("A passed required quiz counts toward the course's completion."))
    fold_yo = models.BooleanField(_("treat «ё» as «е» in short answers"), default=True)
    # Review options, as Moodle's: what the learner may see of a submitted attempt, at three moments: right after
    # it (the first minutes, see courses/quizzes/review.py), later while the quiz is still open, after it closes.
    # "score" is the marks (the attempt's and each question's), "answers" the right answers, "feedback" the
    # feedback of the answers given (specific feedback).
    review_responses_after_submit = models.BooleanField(_("the learner's answers, right after the attempt"),
                                                        default=True)
    review_correctness_after_submit = models.BooleanField(_("whether correct, right after the attempt"),
                                                          default=True)
    review_score_after_submit = models.BooleanField(_("score, right after the attempt"), default=True)
    review_feedback_after_submit = models.BooleanField(_("feedback, right after the attempt"), default=True)
    review_general_feedback_after_submit = models.BooleanField(_("general feedback, right after the attempt"),
                                                               default=True)
    review_answers_after_submit = models.BooleanField(_("right answers, right after the attempt"), default=False)
    review_overall_feedback_after_submit = models.BooleanField(_("overall feedback, right after the attempt"),
                                                               default=True)
    review_responses_later = models.BooleanField(_("the learner's answers, later while the quiz is open"),
                                                 default=True)
    review_correctness_later = models.BooleanField(_("whether correct, later while the quiz is open"), default=True)
    review_score_later = models.BooleanField(_("score, later while the quiz is open"), default=True)
    review_feedback_later = models.BooleanField(_("feedback, later while the quiz is open"), default=True)
    review_general_feedback_later = models.BooleanField(_("general feedback, later while the quiz is open"),
                                                        default=True)
    review_answers_later = models.BooleanField(_("right answers, later while the quiz is open"), default=False)
    review_overall_feedback_later = models.BooleanField(_("overall feedback, later while the quiz is open"),
                                                        default=True)
    review_responses_after_close = models.BooleanField(_("the learner's answers, after the quiz closes"),
                                                       default=True)
    review_correctness_after_close = models.BooleanField(_("whether correct, after the quiz closes"), default=True)
    review_score_after_close = models.BooleanField(_("score, after the quiz closes"), default=True)
    review_feedback_after_close = models.BooleanField(_("feedback, after the quiz closes"), default=True)
    review_general_feedback_after_close = models.BooleanField(_("general feedback, after the quiz closes"),
                                                              default=True)
    review_answers_after_close = models.BooleanField(_("right answers, after the quiz closes"), default=True)
    review_overall_feedback_after_close = models.BooleanField(_("overall feedback, after the quiz closes"),
                                                              default=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("slots", heading=_("Fixed questions"), label=_("question")),
        InlinePanel("draws", heading=_("Random questions"), label=_("random draw")),
        InlinePanel("feedback_bands", heading=_("Overall feedback"), label=_("grade boundary")),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("pass_percent"), FieldPanel("time_limit_minutes")]),
            FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("attempt_delay_minutes")]),
            FieldPanel("grading_method"),
            FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_answers")]),
            FieldPanel("questions_per_page"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldRowPanel([FieldPanel("is_required"), FieldPanel("fold_yo")]),
        ], heading=_("Quiz settings")),
        *[MultiFieldPanel([FieldPanel(f"review_{item}_{moment}", heading=label) for item, label in REVIEW_ITEMS],
                          heading=heading) for moment, heading in REVIEW_MOMENTS],
    ]

    parent_page_types = ["courses.CoursePage", "courses.CourseModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def estimated_minutes(self) -> int | None:
        return self.time_limit_minutes

    @property
    def is_quiz(self) -> bool:
        return True

    def get_context(self, request, *args, **kwargs):
        from courses.page_context import lesson_context

        from .page_context import quiz_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        context.update(quiz_context(request, self))
        return context

    def serve(self, request, *args, **kwargs):
        from courses.page_context import lesson_serve

        return lesson_serve(request, self, super_serve=super().serve, args=args, kwargs=kwargs)

    def clean(self):
        super().clean()
        if self.pass_percent is not None and self.pass_percent > 100:
            raise ValidationError({"pass_percent": _("The pass mark is a percentage from 0 to 100.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})


class QuizSlot(Orderable):
    """A fixed question of a quiz. It follows its question's latest version until an attempt freezes it."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    marks = models.DecimalField(_("marks"), max_digits=5, decimal_places=2, default=1)

    panels = [FieldPanel("question"), FieldPanel("marks")]


class QuizRandomDraw(Orderable):
    """N questions drawn at random, for each attempt, from a category of the bank."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="draws")
    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="+")
    count = models.PositiveSmallIntegerField(_("number of questions"), default=5, validators=[MinValueValidator(1)])
    marks = models.DecimalField(_("marks each"), max_digits=5, decimal_places=2, default=1)

    panels = [FieldPanel("category"), FieldPanel("count"), FieldPanel("marks")]


class QuizFeedbackBand(Orderable):
    """Overall feedback: the text a learner whose attempt scored at least `min_percent` gets (the highest band
    reached wins), as Moodle's grade boundaries."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="feedback_bands")
    min_percent = models.DecimalField(_("from, %"), max_digits=5, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0), MaxValueValidator(100)],
                                      help_text=_("Shown to an attempt that scored at least this; the highest "
                                                  "boundary reached wins."))
    text = models.TextField(_("feedback"))

    panels = [FieldPanel("min_percent"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("overall feedback")
        verbose_name_plural = _("overall feedback")


class QuizOverride(models.Model):
    """Extra time or attempts for one learner."""

    quiz = models.ForeignKey(QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="+")
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)

    class Meta:
        verbose_name = _("quiz override")
        verbose_name_plural = _("quiz overrides")
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="quiz_override_once")]


class Attempt(models.Model):
    """One sitting of a quiz. It keeps the questions it served (frozen), the answers and the result."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        NEEDS_GRADING = "needs_grading", _("Waiting for grading")
        FINISHED = "finished", _("Finished")

    quiz = models.ForeignKey(QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # [{"question_id", "version", "marks", "question": {...exchange form...}, "order": [answer indexes],
    #   "tokens": {opaque token: answer index}}] — served to this attempt only, never changed afterwards.
    questions = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)  # {slot index: response}
    grades = models.JSONField(default=dict, blank=True)   # {slot index: fraction or null}
    sequence = models.PositiveIntegerField(default=0)      # bumps on every save: an old page cannot overwrite
    marks = models.DecimalField(_("marks"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_marks = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=0)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(fields=["quiz", "user"], condition=models.Q(status="in_progress"),
                                    name="attempt_one_in_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.quiz} ({self.number})"

    @property
    def percent(self) -> float | None:
        if self.marks is None or not self.max_marks:
            return None
        return float(self.marks) * 100 / float(self.max_marks)


class AttemptRegrade(models.Model):
    """The audit of one attempt regraded after a question was fixed: who, when, and the result before and after."""

    attempt = models.ForeignKey(Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE,
                                related_name="regrades")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The version the attempt was regraded against."))
    regraded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("regraded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    regraded_at = models.DateTimeField(_("regraded"), default=timezone.now)
    old_marks = models.DecimalField(_("marks before"), max_digits=7, decimal_places=2, null=True, blank=True)
    new_marks = models.DecimalField(_("marks after"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_marks = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=0)
    old_passed = models.BooleanField(_("passed before"), null=True, blank=True)
    new_passed = models.BooleanField(_("passed after"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt regrade")
        verbose_name_plural = _("attempt regrades")
        ordering = ["-regraded_at", "-pk"]
