from django.dispatch import Signal

# Sent once per completion, after the transaction that completed the course commits. Args: enrolment_id.
course_completed = Signal()
