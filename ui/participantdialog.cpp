#include "participantdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/clock.h"
#include "engineclient.h"
#include "formatting.h"
#include "numbermodel.h"
#include "servicemodel.h"
#include "sessiondialogs.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

AddParticipantDialog::AddParticipantDialog(const ConsoleContext &context, QString serviceSid, QString sessionSid,
                                           QWidget *parent)
    : QDialog(parent)
    , m_ctx(context)
    , m_serviceSid(std::move(serviceSid))
    , m_sessionSid(std::move(sessionSid))
    , m_numbers(new NumberModel(context.reader, this))
{
    setWindowTitle(tr("Add participant"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_identifier = new QLineEdit(this);
    m_identifier->setPlaceholderText(tr("the participant's own number, e.g. +14155550100"));
    m_friendlyName = new QLineEdit(this);
    m_friendlyName->setPlaceholderText(tr("optional"));
    form->addRow(tr("&Identifier:"), m_identifier);
    form->addRow(tr("&Friendly name:"), m_friendlyName);
    layout->addLayout(form);

    m_automatic = new QRadioButton(tr("Pick a proxy number &automatically (the Service's number selection)"), this);
    m_pinned = new QRadioButton(tr("Use &this proxy number:"), this);
    m_automatic->setChecked(true);
    m_number = new QComboBox(this);
    m_number->setModel(m_numbers);
    m_number->setModelColumn(NumberModel::NumberColumn);
    m_number->setEnabled(false);
    layout->addWidget(m_automatic);
    auto *pinRow = new QHBoxLayout;
    pinRow->addWidget(m_pinned);
    pinRow->addWidget(m_number, 1);
    layout->addLayout(pinRow);
    m_failOnConflict = new QCheckBox(tr("Refuse if this identifier is already active on that number elsewhere "
                                        "(FailOnParticipantConflict)"),
                                     this);
    layout->addWidget(m_failOnConflict);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AddParticipantDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_pinned, &QRadioButton::toggled, m_number, &QWidget::setEnabled);
    connect(m_numbers, &PagedSqlModelBase::pageLoaded, this, [this]() {
        if (m_numbers->canFetchMore({})) {
            m_numbers->fetchMore({});
        }
    });
    m_numbers->setServiceSid(m_serviceSid);
    setMinimumWidth(560);
    resize(600, sizeHint().height());
}

void AddParticipantDialog::accept()
{
    if (m_busy) {
        return;
    }
    ParticipantParams p;
    p.identifier = Format::compactNumber(m_identifier->text());
    if (!m_friendlyName->text().trimmed().isEmpty()) {
        p.friendlyName = m_friendlyName->text().trimmed();
    }
    if (m_pinned->isChecked()) {
        const int row = m_number->currentIndex();
        const PhoneNumber *n = m_numbers->rowAt(row);
        if (!n) {
            m_banner->showError(tr("Choose a proxy number from the pool, or let Maskline pick one."));
            return;
        }
        p.proxyIdentifierSid = n->sid;
    }
    p.failOnParticipantConflict = m_failOnConflict->isChecked();
    m_busy = true;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_banner->showInfo(tr("Adding…"));
    m_ctx.engine->addParticipant(m_serviceSid, m_sessionSid, p, this, [this](Result<Participant> r) {
        m_busy = false;
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
        if (!r) {
            m_banner->showError(EngineClient::describe(r.error()));
            return;
        }
        m_added = *r;
        QDialog::accept();
    });
}

// ---------------------------------------------------------------------------------------------------------------

NewSessionDialog::NewSessionDialog(const ConsoleContext &context, QString serviceSid, QWidget *parent)
    : QDialog(parent)
    , m_ctx(context)
{
    setWindowTitle(tr("New session"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_service = new ServiceCombo(context.services, false, this);
    m_service->setCurrentSid(serviceSid);
    m_uniqueName = new QLineEdit(this);
    m_uniqueName->setPlaceholderText(tr("optional, unique in the Service"));
    m_mode = new QComboBox(this);
    m_mode->addItems({SessionMode::VOICE_AND_MESSAGE, SessionMode::MESSAGE_ONLY, SessionMode::VOICE_ONLY});
    m_ttl = new QSpinBox(this);
    m_ttl->setRange(-1, 2147483646);
    m_ttl->setValue(-1);
    m_ttl->setSpecialValueText(tr("the Service's default"));
    m_ttl->setSuffix(tr(" s"));
    m_expiry = new ExpiryEdit(this);
    m_first = new QLineEdit(this);
    m_first->setPlaceholderText(tr("optional, e.g. +14155550100"));
    m_second = new QLineEdit(this);
    m_second->setPlaceholderText(tr("optional, e.g. +14155550101"));
    form->addRow(tr("&Service:"), m_service);
    form->addRow(tr("&Unique name:"), m_uniqueName);
    form->addRow(tr("&Mode:"), m_mode);
    form->addRow(tr("&TTL:"), m_ttl);
    form->addRow(tr("&Expiry:"), m_expiry);
    form->addRow(tr("Participant &1:"), m_first);
    form->addRow(tr("Participant &2:"), m_second);
    layout->addLayout(form);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewSessionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_service, &ServiceCombo::serviceChanged, m_banner, &MessageBanner::clearMessage);
    setMinimumWidth(560);
    resize(600, sizeHint().height());
}

QPushButton *NewSessionDialog::createButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

QString NewSessionDialog::serviceName() const
{
    const QString sid = m_service->currentSid();
    const QString name = m_service->currentText();
    return name.isEmpty() || name == sid ? sid : tr("%1 (%2)").arg(name, sid);
}

void NewSessionDialog::accept()
{
    SessionParams p;
    if (!m_uniqueName->text().trimmed().isEmpty()) {
        p.uniqueName = m_uniqueName->text().trimmed();
    }
    p.mode = m_mode->currentText();
    if (m_ttl->value() >= 0) {
        p.ttl = m_ttl->value();
    }
    if (m_expiry->value().isValid()) {
        if (m_ctx.clock && m_expiry->value() <= m_ctx.clock->now()) {
            m_banner->showError(tr("The expiry is in the past: the session would close at once."));
            return;
        }
        p.dateExpiry = m_expiry->value();
    }
    for (QLineEdit *edit : {m_first, m_second}) {
        const QString id = Format::compactNumber(edit->text());
        if (!id.isEmpty()) {
            ParticipantParams pp;
            pp.identifier = id;
            p.participants.append(pp);
        }
    }
    const QString serviceSid = m_service->currentSid();
    if (serviceSid.isEmpty()) {
        m_banner->showError(tr("Choose the Service the session belongs to."));
        return;
    }
    if (m_busy) {
        return;
    }
    m_busy = true;
    createButton()->setEnabled(false);
    m_banner->clearMessage();
    const QString service = serviceName();
    m_ctx.engine->createSession(serviceSid, p, this, [this, service](Result<Session> r) {
        m_busy = false;
        createButton()->setEnabled(true);
        if (!r) {
            m_banner->showError(
                tr("Service %1 refused the session — %2").arg(service, EngineClient::describe(r.error())));
            return;
        }
        m_created = *r;
        QDialog::accept();
    });
}

} // namespace Maskline
