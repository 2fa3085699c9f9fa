"""Loss Surface Lab: why classifiers are trained with cross-entropy and not mean square error.

The router: `lab_components.navigation` registers the pages in `pages/` with st.navigation
and runs the chosen one. No maths here.
"""

from lab_components.navigation import run_app

run_app()
