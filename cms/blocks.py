"""The site's pages use the content blocks of courses (one set of blocks for the whole site)."""

from courses.blocks import BaseBodyBlock


class BodyBlock(BaseBodyBlock):
    pass
