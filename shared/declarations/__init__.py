"""申报内容: what a declaration holds (fields, forms, inputs) and how it is stored."""
