from django.dispatch import Signal

# Sent (on commit) when a person's account or profile (library, position) is created or changed, so that
# higher layers can apply their rules (mandatory course assignments, internship requirements). Args: user_id.
staff_profile_saved = Signal()

# Sent (on commit) when a person's account is deactivated (left the library: a staff list said so, or an
# administrator switched it off), so that higher layers close what the person still owes. Args: user_id.
staff_deactivated = Signal()
