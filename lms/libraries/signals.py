from django.dispatch import Signal

# Sent (on commit) when a library's Э(В)БК participation or parent system changes, so that higher layers can apply
# their rules to its staff and its branches' staff again (mandatory course assignments). Args: library_id.
library_participation_changed = Signal()
