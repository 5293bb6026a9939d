"""Reads of the CSF app: the cores and mappings (reference), who reaches which assessment
(access), the coverage derived from RMF work, assessments and their scores, profiles and gaps."""
