"""实有设施: facilities uploaded by departments and kept by officers."""
