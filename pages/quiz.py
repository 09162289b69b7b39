"""Quiz: choose what to take, then one adaptive question at a time."""
from ui import quiz_view, state

state.sync_with_url(__file__)
state.bank()  # a malformed bank stops here with a page naming file, item and field
state.show_store_warning()

config = state.quiz_config()
if config is None:
    quiz_view.setup()
else:
    quiz_view.run(config)
