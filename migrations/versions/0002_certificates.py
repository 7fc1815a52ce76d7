"""certificates: issue key

One automatic certificate per learner, course and version; one replacement per certificate
(a UNIQUE key written by app/certificates/services.py).

Revision ID: 0002_certificates
Revises: 0001
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_certificates'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issue_key', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_issue_key'), ['issue_key'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_issue_key'), type_='unique')
        batch_op.drop_column('issue_key')
