"""On PostgreSQL the database itself refuses to change a final run, its snapshot and its decisions.

Migration 0003 protects the lines and splits of a final run; these triggers protect the rest of what a final
run decided, so that neither a direct UPDATE nor setting the run back to draft can change it:

- ``allocations_allocationrun``: no column of a final run changes (approval is its last write: its status,
  totals, pot totals, hash, engine version, method, parameters, approver, call and number, and also its
  progress columns, which were settled when it was computed), and a final run is not deleted. The whole row
  is compared, so a column added later is frozen too until it is named here as one that may still change.
  An UPDATE that changes nothing passes (a save of an unchanged row).
- ``allocations_runsnapshot``: the snapshot of a final run is neither changed nor deleted, nor moved to one.
- ``allocations_decision``: what a decision decided (amount, number, outcome, run, line, application,
  decided_at, decided_by) never changes, and no decision is deleted. ``sent_at`` (set when the batch is sent),
  ``reason`` and later workflow columns may still change.

The models refuse the same from Python on every database (``FinalRunChanged``, ``DecisionChanged``).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION allocations_final_run_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'final' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'allocations_allocationrun: a final run is immutable: DELETE refused';
        END IF;
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'allocations_allocationrun: a final run is immutable: UPDATE refused';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocations_final_run_immutable
    BEFORE UPDATE OR DELETE ON allocations_allocationrun
    FOR EACH ROW EXECUTE FUNCTION allocations_final_run_immutable();

CREATE OR REPLACE FUNCTION allocations_snapshot_of_final_run() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM allocations_allocationrun WHERE id = OLD.run_id AND status = 'final')
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM allocations_allocationrun WHERE id = NEW.run_id AND status = 'final'
       )) THEN
        RAISE EXCEPTION 'allocations_runsnapshot of a final run is immutable: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocations_snapshot_of_final_run
    BEFORE UPDATE OR DELETE ON allocations_runsnapshot
    FOR EACH ROW EXECUTE FUNCTION allocations_snapshot_of_final_run();

CREATE OR REPLACE FUNCTION allocations_decision_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'allocations_decision is immutable: DELETE refused';
    END IF;
    IF NEW.amount IS DISTINCT FROM OLD.amount
       OR NEW.number IS DISTINCT FROM OLD.number
       OR NEW.outcome IS DISTINCT FROM OLD.outcome
       OR NEW.run_id IS DISTINCT FROM OLD.run_id
       OR NEW.line_id IS DISTINCT FROM OLD.line_id
       OR NEW.application_id IS DISTINCT FROM OLD.application_id
       OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
       OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id THEN
        RAISE EXCEPTION 'allocations_decision is immutable: UPDATE of what it decided refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocations_decision_immutable
    BEFORE UPDATE OR DELETE ON allocations_decision
    FOR EACH ROW EXECUTE FUNCTION allocations_decision_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS allocations_final_run_immutable ON allocations_allocationrun;
DROP FUNCTION IF EXISTS allocations_final_run_immutable();
DROP TRIGGER IF EXISTS allocations_snapshot_of_final_run ON allocations_runsnapshot;
DROP FUNCTION IF EXISTS allocations_snapshot_of_final_run();
DROP TRIGGER IF EXISTS allocations_decision_immutable ON allocations_decision;
DROP FUNCTION IF EXISTS allocations_decision_immutable();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("allocations", "0007_line_grounds")]

    operations = [migrations.RunPython(create, drop)]
