"""Loss Surface Lab: why classifiers are trained with cross-entropy and not mean square error.

The router: registers the pages with st.navigation. No maths here.
"""

import streamlit as st

st.set_page_config(page_title="Loss Surface Lab", page_icon=":material/landscape:", layout="wide")

pages = [
    st.Page("views/surface_lab.py", title="Error-surface lab", icon=":material/landscape:",
            default=True),
    st.Page("views/mnist_training.py", title="Live MNIST training",
            icon=":material/model_training:"),
]
st.navigation(pages).run()
