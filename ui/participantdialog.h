#pragma once

#include <QDialog>

#include "consolecontext.h"
#include "store/records.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace Maskline {

class ExpiryEdit;
class MessageBanner;
class NumberModel;
class ServiceCombo;

// Adds a participant to a session: its own number, and a proxy number chosen by the engine (automatic) or pinned
// from the Service's pool. The dialog stays open on a refusal and shows it in words with its code.
class AddParticipantDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AddParticipantDialog)

public:
    AddParticipantDialog(const ConsoleContext &context, QString serviceSid, QString sessionSid,
                         QWidget *parent = nullptr);

    QLineEdit *identifierEdit() const { return m_identifier; }
    QLineEdit *friendlyNameEdit() const { return m_friendlyName; }
    QRadioButton *automaticButton() const { return m_automatic; }
    QRadioButton *pinnedButton() const { return m_pinned; }
    QComboBox *numberCombo() const { return m_number; }
    MessageBanner *banner() const { return m_banner; }
    const Participant &added() const { return m_added; }

public Q_SLOTS:
    void accept() override;

private:
    ConsoleContext m_ctx;
    QString m_serviceSid;
    QString m_sessionSid;
    NumberModel *m_numbers = nullptr;
    QLineEdit *m_identifier = nullptr;
    QLineEdit *m_friendlyName = nullptr;
    QRadioButton *m_automatic = nullptr;
    QRadioButton *m_pinned = nullptr;
    QComboBox *m_number = nullptr;
    QCheckBox *m_failOnConflict = nullptr;
    MessageBanner *m_banner = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    Participant m_added;
    bool m_busy = false;
};

// Creates a session in a Service the operator picks (the Sessions list's Service to begin with): unique name, mode,
// TTL, date_expiry and up to two participants. A refusal names the Service it came from.
class NewSessionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewSessionDialog)

public:
    // serviceSid: the Service to start with; empty picks the first (newest) one.
    NewSessionDialog(const ConsoleContext &context, QString serviceSid, QWidget *parent = nullptr);
    const Session &created() const { return m_created; }
    ServiceCombo *serviceCombo() const { return m_service; }
    QLineEdit *uniqueNameEdit() const { return m_uniqueName; }
    QLineEdit *firstEdit() const { return m_first; }
    QLineEdit *secondEdit() const { return m_second; }
    ExpiryEdit *expiryEdit() const { return m_expiry; }
    MessageBanner *banner() const { return m_banner; }
    QPushButton *createButton() const;
    // "rides (KS…)": how the dialog names the chosen Service.
    QString serviceName() const;

public Q_SLOTS:
    void accept() override;

private:
    ConsoleContext m_ctx;
    ServiceCombo *m_service = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
    QLineEdit *m_uniqueName = nullptr;
    QComboBox *m_mode = nullptr;
    QSpinBox *m_ttl = nullptr;
    ExpiryEdit *m_expiry = nullptr;
    QLineEdit *m_first = nullptr;
    QLineEdit *m_second = nullptr;
    MessageBanner *m_banner = nullptr;
    Session m_created;
};

} // namespace Maskline
