"""Icons: Streamlit's Material Symbols, which ship with Streamlit's own font and so render on every
machine (emoji need an emoji font, which Linux servers and CI browsers usually lack)."""

APP = ":material/radar:"
START = ":material/person:"
QUIZ = ":material/quiz:"
RESULTS = ":material/radar:"
CERTIFICATIONS = ":material/workspace_premium:"
ABOUT = ":material/info:"
MAINTAINER = ":material/monitoring:"

WARNING = ":material/warning:"
ERROR = ":material/error:"
CORRECT = ":material/check_circle:"
WRONG = ":material/cancel:"
DONT_KNOW = ":material/help:"
KEY = ":material/check:"
NOT_KEY = ":material/close:"

READY = ":material/verified:"
PROBABLY = ":material/thumb_up:"
NOT_YET = ":material/trending_up:"
UNKNOWN = ":material/help:"
