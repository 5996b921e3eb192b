#include "sessiondialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/clock.h"
#include "engineclient.h"
#include "formatting.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

ExpiryEdit::ExpiryEdit(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_on = new QCheckBox(tr("Closes at"), this);
    m_at = new QDateTimeEdit(QDateTime::currentDateTime().addDays(1), this);
    m_at->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    m_at->setCalendarPopup(true);
    m_at->setEnabled(false);
    m_at->setAccessibleName(tr("Date expiry"));
    layout->addWidget(m_on);
    layout->addWidget(m_at, 1);
    connect(m_on, &QCheckBox::toggled, m_at, &QWidget::setEnabled);
    setFocusProxy(m_on);
}

QDateTime ExpiryEdit::value() const
{
    return m_on->isChecked() ? m_at->dateTime().toUTC() : QDateTime();
}

void ExpiryEdit::setValue(const QDateTime &utc)
{
    m_on->setChecked(utc.isValid());
    if (utc.isValid()) {
        m_at->setDateTime(utc.toLocalTime());
    }
}

// ---------------------------------------------------------------------------------------------------------------

EditSessionDialog::EditSessionDialog(const ConsoleContext &context, const Session &session, QWidget *parent)
    : QDialog(parent)
    , m_ctx(context)
    , m_session(session)
{
    setWindowTitle(tr("Session TTL and expiry"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("A session closes by itself when its TTL passes without an interaction, or at its "
                                "expiry date, whichever comes first."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *name = new QLabel(
        session.uniqueName.isEmpty() ? session.sid : tr("%1 (%2)").arg(session.uniqueName, session.sid), this);
    name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_ttl = new QSpinBox(this);
    m_ttl->setRange(0, 2147483646);
    m_ttl->setSuffix(tr(" s"));
    m_ttl->setSpecialValueText(tr("none (no TTL)"));
    m_ttl->setValue(int(std::min<qint64>(session.ttl, 2147483646)));
    m_expiry = new ExpiryEdit(this);
    m_expiry->setValue(session.dateExpiry);
    form->addRow(tr("Session:"), name);
    form->addRow(tr("&TTL:"), m_ttl);
    form->addRow(tr("&Expiry:"), m_expiry);
    layout->addLayout(form);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &EditSessionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(520);
}

QPushButton *EditSessionDialog::saveButton() const
{
    return m_buttons->button(QDialogButtonBox::Save);
}

void EditSessionDialog::accept()
{
    if (m_busy) {
        return;
    }
    SessionParams p;
    if (m_ttl->value() != m_session.ttl) {
        p.ttl = m_ttl->value();
    }
    const QDateTime expiry = m_expiry->value();
    // Minutes are what the editor shows: an unchanged expiry is not sent again with its seconds cut off.
    const bool expiryChanged =
        expiry.isValid() != m_session.dateExpiry.isValid() ||
        (expiry.isValid() && expiry.toSecsSinceEpoch() / 60 != m_session.dateExpiry.toSecsSinceEpoch() / 60);
    if (expiryChanged) {
        if (expiry.isValid() && m_ctx.clock && expiry <= m_ctx.clock->now()) {
            m_banner->showError(tr("The expiry is in the past: the session would close at once."));
            return;
        }
        p.dateExpiry = expiry; // invalid: clears it
    }
    if (!p.ttl && !p.dateExpiry) {
        QDialog::reject();
        return;
    }
    m_busy = true;
    saveButton()->setEnabled(false);
    m_banner->clearMessage();
    m_ctx.engine->call(
        this,
        [service = m_session.serviceSid, sid = m_session.sid, p](Proxy &proxy, const QString &account) {
            return proxy.updateSession(account, service, sid, p);
        },
        [this](Result<Session> r) {
            m_busy = false;
            saveButton()->setEnabled(true);
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_updated = *r;
            QDialog::accept();
        });
}

// ---------------------------------------------------------------------------------------------------------------

SendMessageDialog::SendMessageDialog(const ConsoleContext &context, const Session &session,
                                     const QList<Participant> &participants, const QString &participantSid,
                                     QWidget *parent)
    : QDialog(parent)
    , m_ctx(context)
    , m_session(session)
{
    setWindowTitle(tr("Send a message"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The participant receives this text from their proxy number, as if the other side "
                                "had sent it (a MessageInteraction)."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_participant = new QComboBox(this);
    for (const Participant &p : participants) {
        if (p.dateDeleted.isValid()) {
            continue;
        }
        const QString name = p.friendlyName.isEmpty() ? p.identifier : tr("%1, %2").arg(p.friendlyName, p.identifier);
        m_participant->addItem(tr("%1 — from %2").arg(name, p.proxyIdentifier), p.sid);
    }
    const int chosen = m_participant->findData(participantSid);
    m_participant->setCurrentIndex(chosen >= 0 ? chosen : 0);
    m_body = new QPlainTextEdit(this);
    m_body->setTabChangesFocus(true);
    m_body->setPlaceholderText(tr("Your driver is two minutes away."));
    m_body->setAccessibleName(tr("Message body"));
    m_media = new QLineEdit(this);
    m_media->setPlaceholderText(tr("optional media URLs, separated by spaces (MMS)"));
    form->addRow(tr("&To participant:"), m_participant);
    form->addRow(tr("&Body:"), m_body);
    form->addRow(tr("&Media:"), m_media);
    layout->addLayout(form);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Send"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SendMessageDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(540);
}

QPushButton *SendMessageDialog::sendButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void SendMessageDialog::accept()
{
    if (m_busy) {
        return;
    }
    const QString participant = m_participant->currentData().toString();
    const QString body = m_body->toPlainText();
    const QStringList media = m_media->text().split(u' ', Qt::SkipEmptyParts);
    if (participant.isEmpty()) {
        m_banner->showError(tr("The session has no participant to send to."));
        return;
    }
    if (body.trimmed().isEmpty() && media.isEmpty()) {
        m_banner->showError(tr("Write a body or give a media URL."));
        return;
    }
    m_busy = true;
    sendButton()->setEnabled(false);
    m_banner->clearMessage();
    m_ctx.engine->run(
        this,
        [account = m_ctx.engine->accountSid(), service = m_session.serviceSid, session = m_session.sid, participant,
         body, media, base = m_ctx.engine->listenUrl()](EngineHost &host) -> Result<Interaction> {
            if (!host.router()) {
                return ApiError::make(80504, 503, u"The engine is not running"_s);
            }
            return host.router()->sendMessageInteraction(account, service, session, participant, body, media, base);
        },
        [this](Result<Interaction> r) {
            m_busy = false;
            sendButton()->setEnabled(true);
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_sent = *r;
            QDialog::accept();
        });
}

// ---------------------------------------------------------------------------------------------------------------

AccountSettingsDialog::AccountSettingsDialog(const ConsoleContext &context, QWidget *parent)
    : QDialog(parent)
    , m_ctx(context)
{
    setWindowTitle(tr("Account settings"));
    auto *layout = new QVBoxLayout(this);
    m_allowConflict = new QCheckBox(tr("&Allow participant conflicts (allow_participant_conflict)"), this);
    m_conflictHelp = new QLabel(this);
    m_conflictHelp->setWordWrap(true);
    m_conflictHelp->setIndent(20);
    m_respectStop = new QCheckBox(tr("&Respect the SMS STOP filter setting (respect_sms_stop_filter)"), this);
    m_stopFiltering = new QCheckBox(tr("SMS STOP &filtering on (sms_stop_filtering)"), this);
    m_stopHelp = new QLabel(this);
    m_stopHelp->setWordWrap(true);
    m_stopHelp->setIndent(20);
    layout->addWidget(m_allowConflict);
    layout->addWidget(m_conflictHelp);
    layout->addSpacing(8);
    layout->addWidget(m_respectStop);
    auto *indent = new QHBoxLayout;
    indent->addSpacing(20);
    indent->addWidget(m_stopFiltering, 1);
    layout->addLayout(indent);
    layout->addWidget(m_stopHelp);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);
    layout->addStretch();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AccountSettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QCheckBox *box : {m_allowConflict, m_respectStop, m_stopFiltering}) {
        box->setEnabled(false);
        connect(box, &QCheckBox::toggled, this, &AccountSettingsDialog::updateExplanations);
    }
    saveButton()->setEnabled(false);
    m_banner->showInfo(tr("Reading the account…"));
    setMinimumSize(600, 380);
    updateExplanations();

    // The stored flags, not the ones the console started with: the REST API may have changed them since.
    m_ctx.engine->call(
        this, [](Proxy &proxy, const QString &account) { return proxy.fetchAccount(account); },
        [this](Result<Account> r) {
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            load(*r);
        });
}

QPushButton *AccountSettingsDialog::saveButton() const
{
    return m_buttons->button(QDialogButtonBox::Save);
}

void AccountSettingsDialog::load(const Account &account)
{
    m_loadedAccount = account;
    m_allowConflict->setChecked(account.allowParticipantConflict);
    m_respectStop->setChecked(account.respectSmsStopFilter);
    m_stopFiltering->setChecked(account.smsStopFiltering);
    for (QCheckBox *box : {m_allowConflict, m_respectStop}) {
        box->setEnabled(true);
    }
    m_loaded = true;
    saveButton()->setEnabled(true);
    m_banner->clearMessage();
    updateExplanations();
}

QString AccountSettingsDialog::conflictText(bool allowConflict)
{
    if (allowConflict) {
        return tr("On: adding a participant whose number is already active on the same proxy number in another "
                  "session, or re-opening such a session, succeeds with a debugger warning (80802, 80801), and that "
                  "pair's traffic moves to the newer session. Add participant's FailOnParticipantConflict box refuses "
                  "it instead (80623, or 80604 on re-open) for that one request.");
    }
    return tr("Off (Twilio's default): such a conflict is always refused — 80623 when adding the participant, "
              "80604 when re-opening a session. Add participant's FailOnParticipantConflict box changes nothing "
              "under this setting.");
}

QString AccountSettingsDialog::stopText(bool respectFilter, bool filtering)
{
    if (!respectFilter) {
        return tr("Off: STOP and the other opt-out keywords are always dropped (80901, never forwarded to the other "
                  "participant); UNSTOP is dropped too.");
    }
    return filtering ? tr("On, filtering on: every STOP/START/HELP keyword message is dropped (80901).")
                     : tr("On, filtering off: keyword messages, STOP included, are forwarded like any other text.");
}

void AccountSettingsDialog::updateExplanations()
{
    m_stopFiltering->setEnabled(m_loaded && m_respectStop->isChecked());
    m_conflictHelp->setText(conflictText(m_allowConflict->isChecked()));
    m_stopHelp->setText(stopText(m_respectStop->isChecked(), m_stopFiltering->isChecked()));
}

void AccountSettingsDialog::accept()
{
    if (m_busy || !m_loaded) {
        return;
    }
    AccountSettings settings;
    if (m_allowConflict->isChecked() != m_loadedAccount.allowParticipantConflict) {
        settings.allowParticipantConflict = m_allowConflict->isChecked();
    }
    if (m_respectStop->isChecked() != m_loadedAccount.respectSmsStopFilter) {
        settings.respectSmsStopFilter = m_respectStop->isChecked();
    }
    if (m_stopFiltering->isChecked() != m_loadedAccount.smsStopFiltering) {
        settings.smsStopFiltering = m_stopFiltering->isChecked();
    }
    if (!settings.allowParticipantConflict && !settings.respectSmsStopFilter && !settings.smsStopFiltering) {
        QDialog::reject();
        return;
    }
    m_busy = true;
    saveButton()->setEnabled(false);
    m_ctx.engine->call(
        this,
        [settings](Proxy &proxy, const QString &account) { return proxy.updateAccountSettings(account, settings); },
        [this](Result<Account> r) {
            m_busy = false;
            saveButton()->setEnabled(true);
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_saved = *r;
            QDialog::accept();
        });
}

} // namespace Maskline
