"""The instructor's tools: release the student notebook, grade submissions (sandboxed, locally or on Dask).

Learners never import this package; their notebook imports ``init_utils`` and ``public_tests``.
"""
