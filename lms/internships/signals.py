from django.dispatch import Signal

# Sent once, after the commit, when a booking becomes completed: booking_id, user_id, topic_id.
internship_completed = Signal()
