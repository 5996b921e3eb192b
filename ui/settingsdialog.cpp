#include "settingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {
struct Key
{
    QString setting;
    const char *env;
};
const Key LISTEN{u"engine/listen"_s, "MASKLINE_LISTEN"};
const Key PUBLIC_URL{u"engine/public_url"_s, "MASKLINE_PUBLIC_URL"};
const Key CARRIER{u"engine/carrier"_s, "MASKLINE_CARRIER"};
const Key TWILIO_SID{u"engine/twilio_account_sid"_s, "MASKLINE_TWILIO_ACCOUNT_SID"};
const Key TWILIO_TOKEN{u"engine/twilio_auth_token"_s, "MASKLINE_TWILIO_AUTH_TOKEN"};
const Key TWILIO_API{u"engine/twilio_api_url"_s, "MASKLINE_TWILIO_API_URL"};
const Key SIGNATURES{u"engine/webhook_signature"_s, "MASKLINE_WEBHOOK_SIGNATURE"};
const Key DEBUGGER_RETENTION{u"engine/debugger_retention_days"_s, "MASKLINE_DEBUGGER_RETENTION_DAYS"};
const Key SESSION_RETENTION{u"engine/session_retention_days"_s, "MASKLINE_SESSION_RETENTION_DAYS"};
} // namespace

ConsoleSettings ConsoleSettings::load(QSettings &s)
{
    ConsoleSettings c;
    c.listen = s.value(LISTEN.setting).toString();
    c.publicUrl = s.value(PUBLIC_URL.setting).toString();
    c.carrier = s.value(CARRIER.setting, u"simulator"_s).toString();
    c.twilioAccountSid = s.value(TWILIO_SID.setting).toString();
    c.twilioAuthToken = s.value(TWILIO_TOKEN.setting).toString();
    c.twilioApiUrl = s.value(TWILIO_API.setting).toString();
    c.checkSignatures = s.value(SIGNATURES.setting, u"on"_s).toString() != u"off"_s;
    c.debuggerRetentionDays = s.value(DEBUGGER_RETENTION.setting, 30).toInt();
    c.sessionRetentionDays = s.value(SESSION_RETENTION.setting, 90).toInt();
    return c;
}

void ConsoleSettings::save(QSettings &s) const
{
    auto put = [&s](const Key &key, const QString &value) {
        if (value.isEmpty()) {
            s.remove(key.setting);
        } else {
            s.setValue(key.setting, value);
        }
    };
    put(LISTEN, listen);
    put(PUBLIC_URL, publicUrl);
    put(CARRIER, carrier);
    put(TWILIO_SID, twilioAccountSid);
    put(TWILIO_TOKEN, twilioAuthToken);
    put(TWILIO_API, twilioApiUrl);
    put(SIGNATURES, checkSignatures ? u"on"_s : u"off"_s);
    put(DEBUGGER_RETENTION, QString::number(debuggerRetentionDays));
    put(SESSION_RETENTION, QString::number(sessionRetentionDays));
}

void ConsoleSettings::applyToEnvironment(QSettings &s) const
{
    for (const Key *key : {&LISTEN, &PUBLIC_URL, &CARRIER, &TWILIO_SID, &TWILIO_TOKEN, &TWILIO_API, &SIGNATURES,
                           &DEBUGGER_RETENTION, &SESSION_RETENTION}) {
        if (!s.contains(key->setting) || qEnvironmentVariableIsSet(key->env)) {
            continue;
        }
        qputenv(key->env, s.value(key->setting).toString().toUtf8());
    }
}

QString ConsoleSettings::effectiveCarrier()
{
    const QString env = qEnvironmentVariable("MASKLINE_CARRIER");
    if (!env.isEmpty()) {
        return env;
    }
    return qEnvironmentVariableIsSet("MASKLINE_TWILIO_ACCOUNT_SID") ? u"twilio"_s : u"simulator"_s;
}

// ---------------------------------------------------------------------------------------------------------------

SettingsDialog::SettingsDialog(const ConsoleSettings &s, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    auto *note = new QLabel(tr("<b>These settings apply the next time Maskline starts.</b> Command-line flags and "
                               "MASKLINE_* environment variables override them."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto *http = new QGroupBox(tr("HTTP"), this);
    auto *httpForm = new QFormLayout(http);
    m_listen = new QLineEdit(s.listen, http);
    m_listen->setPlaceholderText(u"127.0.0.1:8080"_s);
    m_publicUrl = new QLineEdit(s.publicUrl, http);
    m_publicUrl->setPlaceholderText(tr("https://proxy.example.com (default: from each request's Host)"));
    httpForm->addRow(tr("&Listen address:"), m_listen);
    httpForm->addRow(tr("&Public URL:"), m_publicUrl);
    layout->addWidget(http);

    auto *carrier = new QGroupBox(tr("Carrier"), this);
    auto *carrierForm = new QFormLayout(carrier);
    m_carrier = new QComboBox(carrier);
    m_carrier->addItem(tr("Built-in simulator (no real messages)"), u"simulator"_s);
    m_carrier->addItem(tr("Twilio Programmable Messaging and Voice"), u"twilio"_s);
    m_carrier->setCurrentIndex(std::max(0, m_carrier->findData(s.carrier)));
    m_twilioSid = new QLineEdit(s.twilioAccountSid, carrier);
    m_twilioSid->setPlaceholderText(u"AC…"_s);
    m_twilioToken = new QLineEdit(s.twilioAuthToken, carrier);
    m_twilioToken->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_twilioApi = new QLineEdit(s.twilioApiUrl, carrier);
    m_twilioApi->setPlaceholderText(u"https://api.twilio.com"_s);
    m_signatures = new QCheckBox(tr("Check X-Twilio-Signature on carrier webhooks"), carrier);
    m_signatures->setChecked(s.checkSignatures);
    carrierForm->addRow(tr("&Carrier:"), m_carrier);
    carrierForm->addRow(tr("Twilio account &SID:"), m_twilioSid);
    carrierForm->addRow(tr("Twilio auth &token:"), m_twilioToken);
    carrierForm->addRow(tr("Twilio &API URL:"), m_twilioApi);
    carrierForm->addRow(QString(), m_signatures);
    layout->addWidget(carrier);

    auto *retention = new QGroupBox(tr("Retention"), this);
    auto *retentionForm = new QFormLayout(retention);
    m_debuggerRetention = new QSpinBox(retention);
    m_debuggerRetention->setRange(1, 3650);
    m_debuggerRetention->setSuffix(tr(" days"));
    m_debuggerRetention->setValue(s.debuggerRetentionDays);
    m_sessionRetention = new QSpinBox(retention);
    m_sessionRetention->setRange(1, 3650);
    m_sessionRetention->setSuffix(tr(" days"));
    m_sessionRetention->setValue(s.sessionRetentionDays);
    retentionForm->addRow(tr("Keep &debugger events:"), m_debuggerRetention);
    retentionForm->addRow(tr("Keep c&losed sessions:"), m_sessionRetention);
    layout->addWidget(retention);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_carrier, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateCarrierFields);
    updateCarrierFields();
    resize(560, sizeHint().height());
}

void SettingsDialog::updateCarrierFields()
{
    const bool twilio = m_carrier->currentData().toString() == u"twilio"_s;
    for (QWidget *w : {static_cast<QWidget *>(m_twilioSid), static_cast<QWidget *>(m_twilioToken),
                       static_cast<QWidget *>(m_twilioApi), static_cast<QWidget *>(m_signatures)}) {
        w->setEnabled(twilio);
    }
}

ConsoleSettings SettingsDialog::settings() const
{
    ConsoleSettings s;
    s.listen = m_listen->text().trimmed();
    s.publicUrl = m_publicUrl->text().trimmed();
    s.carrier = m_carrier->currentData().toString();
    s.twilioAccountSid = m_twilioSid->text().trimmed();
    s.twilioAuthToken = m_twilioToken->text().trimmed();
    s.twilioApiUrl = m_twilioApi->text().trimmed();
    s.checkSignatures = m_signatures->isChecked();
    s.debuggerRetentionDays = m_debuggerRetention->value();
    s.sessionRetentionDays = m_sessionRetention->value();
    return s;
}

// ---------------------------------------------------------------------------------------------------------------

CredentialsDialog::CredentialsDialog(const Account &account, const QString &listenUrl, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Credentials"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Point a Twilio helper library at Maskline with these credentials and set "
                                "<code>client.proxy.baseUrl = '%1'</code>.")
                                 .arg(listenUrl.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto addRow = [&](const QString &label, const QString &value, const QString &objectName) {
        auto *row = new QHBoxLayout;
        auto *edit = new QLineEdit(value, this);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setObjectName(objectName);
        edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(value) + 24);
        auto *copy = new QPushButton(tr("Copy"), this);
        copy->setObjectName(objectName + u"Copy"_s);
        connect(copy, &QPushButton::clicked, this, [value]() { QApplication::clipboard()->setText(value); });
        row->addWidget(edit, 1);
        row->addWidget(copy);
        form->addRow(label, row);
    };
    addRow(tr("Account SID:"), account.sid, u"accountSid"_s);
    addRow(tr("Auth token:"), account.authToken, u"authToken"_s);
    addRow(tr("API base URL:"), listenUrl, u"baseUrl"_s);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace Maskline
