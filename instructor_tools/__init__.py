"""The instructor's tools: release the student notebook, and grade submissions here or on Dask. Learners never import it."""
