"""CertRadar: which machine-learning certification are you ready for? (entry point)"""
import streamlit as st

st.set_page_config(page_title="CertRadar", page_icon="🎯", layout="wide",
                   initial_sidebar_state="auto")

st.navigation([
    st.Page("pages/start.py", title="Start", icon="👋", default=True),
    st.Page("pages/quiz.py", title="Quiz", icon="📝", url_path="quiz"),
    st.Page("pages/results.py", title="Results", icon="🎯", url_path="results"),
    st.Page("pages/certifications.py", title="Certifications", icon="📜", url_path="certifications"),
    st.Page("pages/about.py", title="About", icon="ℹ️", url_path="about"),
]).run()
