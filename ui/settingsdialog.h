#pragma once

#include <QDialog>

#include "proxy/types.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace Maskline {

// The engine settings the console keeps in QSettings (group "engine"). They are applied on the next start, as
// MASKLINE_* environment variables the engine's own configuration reads, so command-line flags and variables already
// set in the environment still win.
struct ConsoleSettings
{
    QString listen;                 // MASKLINE_LISTEN
    QString publicUrl;              // MASKLINE_PUBLIC_URL
    QString carrier;                // MASKLINE_CARRIER: "simulator" | "twilio"
    QString twilioAccountSid;       // MASKLINE_TWILIO_ACCOUNT_SID
    QString twilioAuthToken;        // MASKLINE_TWILIO_AUTH_TOKEN
    QString twilioApiUrl;           // MASKLINE_TWILIO_API_URL
    bool checkSignatures = true;    // MASKLINE_WEBHOOK_SIGNATURE=on|off
    int debuggerRetentionDays = 30; // MASKLINE_DEBUGGER_RETENTION_DAYS
    int sessionRetentionDays = 90;  // MASKLINE_SESSION_RETENTION_DAYS

    static ConsoleSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // Exports each setting the user saved as its MASKLINE_* variable unless that variable is already set.
    void applyToEnvironment(QSettings &settings) const;
    // "simulator" or "twilio", as the engine will start with it (environment first).
    static QString effectiveCarrier();
};

class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(const ConsoleSettings &settings, QWidget *parent = nullptr);
    ConsoleSettings settings() const;

private:
    void updateCarrierFields();

    QLineEdit *m_listen = nullptr;
    QLineEdit *m_publicUrl = nullptr;
    QComboBox *m_carrier = nullptr;
    QLineEdit *m_twilioSid = nullptr;
    QLineEdit *m_twilioToken = nullptr;
    QLineEdit *m_twilioApi = nullptr;
    QCheckBox *m_signatures = nullptr;
    QSpinBox *m_debuggerRetention = nullptr;
    QSpinBox *m_sessionRetention = nullptr;
};

// The account SID and auth token a Twilio helper library needs, each with a copy button.
class CredentialsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialsDialog)

public:
    CredentialsDialog(const Account &account, const QString &listenUrl, QWidget *parent = nullptr);
};

} // namespace Maskline
