#!/usr/bin/env python3
"""Print all the text of a DOCX or PPTX file, read with an independent library.

    python3 read_documents.py summary.docx   # python-docx: body paragraphs and table cells
    python3 read_documents.py workshop.pptx  # python-pptx: each slide's shapes, "--- slide N"

The server's tests run it on the files that `summary::document` writes (when LP_PYTHON names
a Python with python-docx and python-pptx) and look for the texts they put in. Exits 2 on a
wrong argument, 1 (with the reader's error) when the file cannot be read.
"""

import sys


def docx_lines(path):
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(path)

    def block(item):
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            seen = []  # the cells' elements, kept alive so that `is` stays meaningful
            for row in item.rows:
                for cell in row.cells:
                    # A merged cell is returned once for each grid column it spans.
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    for inner in cell.iter_inner_content():
                        yield from block(inner)

    for item in document.iter_inner_content():
        yield from block(item)
    for section in document.sections:
        for paragraph in section.footer.paragraphs:
            yield paragraph.text


def pptx_lines(path):
    from pptx import Presentation

    def shape_lines(shape):
        if shape.shape_type is not None and hasattr(shape, "shapes"):  # a group
            for inner in shape.shapes:
                yield from shape_lines(inner)
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                yield paragraph.text
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text

    presentation = Presentation(path)
    for number, slide in enumerate(presentation.slides, start=1):
        yield f"--- slide {number}"
        for shape in slide.shapes:
            yield from shape_lines(shape)


def main(argv):
    if len(argv) != 2 or not argv[1].lower().endswith((".docx", ".pptx")):
        print("usage: read_documents.py FILE.docx|FILE.pptx", file=sys.stderr)
        return 2
    path = argv[1]
    reader = docx_lines if path.lower().endswith(".docx") else pptx_lines
    try:
        for line in reader(path):
            print(line)
    except Exception as error:  # noqa: BLE001 - any failure to read is the finding
        print(f"could not read {path}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
