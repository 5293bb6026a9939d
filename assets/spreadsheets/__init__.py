"""Spreadsheet import and export of the inventory (systems and components).

The flow is parse (a file into raw rows) -> validate (rows into a plan, with every problem) ->
apply (the plan in one transaction). `columns` is shared by the template, the import and the
export, so that an export can be edited and imported back.
"""
