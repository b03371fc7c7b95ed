"""On PostgreSQL the database itself refuses to change or delete the lines and splits of a final run."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION allocations_line_of_final_run() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM allocations_allocationrun WHERE id = OLD.run_id AND status = 'final') THEN
        RAISE EXCEPTION 'allocations_allocationline of a final run is immutable: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocations_line_of_final_run
    BEFORE UPDATE OR DELETE ON allocations_allocationline
    FOR EACH ROW EXECUTE FUNCTION allocations_line_of_final_run();

CREATE OR REPLACE FUNCTION allocations_split_of_final_run() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM allocations_allocationline l JOIN allocations_allocationrun r ON r.id = l.run_id
        WHERE l.id = OLD.line_id AND r.status = 'final'
    ) THEN
        RAISE EXCEPTION 'allocations_linesplit of a final run is immutable: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocations_split_of_final_run
    BEFORE UPDATE OR DELETE ON allocations_linesplit
    FOR EACH ROW EXECUTE FUNCTION allocations_split_of_final_run();
"""

DROP = """
DROP TRIGGER IF EXISTS allocations_line_of_final_run ON allocations_allocationline;
DROP FUNCTION IF EXISTS allocations_line_of_final_run();
DROP TRIGGER IF EXISTS allocations_split_of_final_run ON allocations_linesplit;
DROP FUNCTION IF EXISTS allocations_split_of_final_run();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("allocations", "0002_run_pot_totals")]

    operations = [migrations.RunPython(create, drop)]
