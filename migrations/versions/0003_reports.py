"""reports: indexes for the report queries

Enrolments by start and by completion date (periods across every course), and quiz attempts by
learner, course and module with the time and the percentage (best score per learner and module
as an index-only scan). Declared in app/reports/models.py.

Revision ID: 0003_reports
Revises: 0002_certificates
Create Date: 2026-11-28 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003_reports'
down_revision = '0002_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_started_at', ['started_at'], unique=False)
        batch_op.create_index('ix_enrolment_completed_at', ['completed_at'], unique=False)
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index(
            'ix_quiz_attempt_best_score',
            ['user_id', 'course_id', 'module_id', 'submitted_at', 'percent'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempt_best_score')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_completed_at')
        batch_op.drop_index('ix_enrolment_started_at')
