"""CertRadar: which machine-learning certification are you ready for? (entry point)"""
import streamlit as st

from ui import icons, theme
from ui.maintainer_view import configured_token

st.set_page_config(page_title="CertRadar", page_icon=icons.APP, layout="wide",
                   initial_sidebar_state="auto")
theme.apply()

pages = [
    st.Page("pages/start.py", title="Start", icon=icons.START, default=True),
    st.Page("pages/quiz.py", title="Quiz", icon=icons.QUIZ, url_path="quiz"),
    st.Page("pages/results.py", title="Results", icon=icons.RESULTS, url_path="results"),
    st.Page("pages/certifications.py", title="Certifications", icon=icons.CERTIFICATIONS, url_path="certifications"),
    st.Page("pages/about.py", title="About", icon=icons.ABOUT, url_path="about"),
]
if configured_token():  # the maintainer page exists only when a maintainer token is configured
    pages.append(st.Page("pages/maintainer.py", title="Maintainer", icon=icons.MAINTAINER,
                         url_path="maintainer"))
st.navigation(pages).run()
